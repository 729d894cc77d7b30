"""Answers rendered to audio offline (espeak-ng): SSML honoured where the engine can, tag names
never read out, one WAV per turn from ask, chat and replay."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from skill.app import handle_event
from skill.simulator import audio
from skill.simulator.audio import duration, espeak_ssml, render
from skill.simulator.cli import main
from tests.system_tools import require


@pytest.fixture
def handler(skill):
    return lambda event, context: handle_event(skill, event)


@pytest.fixture
def espeak():
    return require("espeak-ng")


def run(argv: list[str], handler) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, handler=handler, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- SSML for espeak-ng ---------------------------------------------------------------------------

def test_spelled_letters_and_breaks_pass_through():
    ssml = '<speak>See <say-as interpret-as="characters">ALS</say-as>.<break time="1s"/></speak>'
    assert espeak_ssml(ssml) == ('<speak>See <say-as interpret-as="characters">ALS</say-as>.'
                                 '<break time="1000ms"/></speak>')


def test_spell_out_is_spoken_as_characters():
    assert '<say-as interpret-as="characters">MRI</say-as>' in \
        espeak_ssml('<say-as interpret-as="spell-out">MRI</say-as>')


def test_tags_espeak_does_not_know_keep_their_words_only():
    ssml = ('<speak><amazon:effect name="whispered">quiet</amazon:effect> <lang xml:lang="fr-FR">'
            'oui</lang> <phoneme alphabet="ipa" ph="x">word</phoneme><audio src="https://a"/>'
            '<sub alias="doctor">Dr.</sub></speak>')
    converted = espeak_ssml(ssml)
    assert converted == "<speak>quiet oui worddoctor</speak>"


def test_text_is_escaped_and_breaks_are_capped_at_alexas_ten_seconds():
    converted = espeak_ssml('<speak>salt &amp; water &lt;3<break time="60s"/></speak>')
    assert converted == '<speak>salt &amp; water &lt;3<break time="10000ms"/></speak>'


def test_ssml_that_is_not_xml_is_spoken_as_its_words():
    assert espeak_ssml("<speak>broken <b>tag & more") == "<speak> broken  tag &amp; more</speak>"


def test_plain_text_is_wrapped_in_speak():
    assert espeak_ssml("hello") == "<speak>hello</speak>"


# --- rendering -----------------------------------------------------------------------------------

def test_a_break_is_heard_as_silence_of_its_length(espeak, tmp_path):
    plain = duration(render("<speak>one two</speak>", tmp_path / "a.wav"))
    paused = duration(render('<speak>one <break time="2s"/> two</speak>', tmp_path / "b.wav"))
    assert 1.7 < paused - plain < 2.3


def test_a_tag_name_is_never_read_out(espeak, tmp_path):
    plain = duration(render("<speak>hello there</speak>", tmp_path / "a.wav"))
    tagged = duration(render('<speak><amazon:effect name="whispered">hello there</amazon:effect>'
                             "</speak>", tmp_path / "b.wav"))
    assert abs(tagged - plain) < 0.05


def test_spelled_letters_take_longer_than_the_word(espeak, tmp_path):
    word = duration(render("<speak>NASA</speak>", tmp_path / "a.wav"))
    letters = duration(render('<speak><say-as interpret-as="characters">NASA</say-as></speak>',
                              tmp_path / "b.wav"))
    assert letters > word * 1.3   # "en, ay, es, ay" against "nasa"


def test_an_empty_speech_is_an_empty_wav(tmp_path):
    path = render("<speak></speak>", tmp_path / "silence.wav")
    with wave.open(str(path)) as wav:
        assert wav.getnframes() == 0
    assert path.read_bytes()[:4] == b"RIFF"


def test_each_locale_has_an_espeak_voice():
    for locale in ("en-US", "en-CA", "en-GB", "en-AU", "en-IN"):
        assert audio.voice_for(locale) in ("en-us", "en-gb")


# --- the commands -----------------------------------------------------------------------------

def test_ask_writes_one_wav_per_turn_named_after_the_intent(espeak, handler, tmp_path):
    code, out, _ = run(["ask", "--audio", str(tmp_path), "open muscle twitch guide",
                        "what causes twitching", "exit"], handler)
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["01-LaunchRequest.wav", "02-CauseIntent.wav", "03-SessionEndedRequest.wav"]
    assert (tmp_path / "02-CauseIntent.wav").read_bytes()[:4] == b"RIFF"
    assert duration(tmp_path / "02-CauseIntent.wav") > 3
    assert "(audio: " in out


def test_chat_says_where_the_audio_is_when_it_cannot_play(espeak, handler, tmp_path,
                                                           monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("open muscle twitch guide\n"))
    monkeypatch.setattr(audio, "player", lambda: None)
    code, out, _ = run(["chat", "--audio", str(tmp_path)], handler)
    assert code == 0
    assert f"(audio: {tmp_path / '01-LaunchRequest.wav'}" in out


def test_replay_writes_each_scripts_turns_in_its_own_folder(espeak, tmp_path):
    script = Path(__file__).parent / "dialogs" / "launch_help_stop.yaml"
    code, out, _ = run(["replay", "--audio", str(tmp_path), str(script)], None)
    assert code == 0, out
    files = sorted((tmp_path / "launch_help_stop").iterdir())
    assert files and files[0].name.startswith("01-")
    assert all(f.read_bytes()[:4] == b"RIFF" for f in files)


def test_audio_without_espeak_is_a_clear_error(handler, tmp_path, monkeypatch):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    code, _, err = run(["ask", "--audio", str(tmp_path), "open muscle twitch guide"], handler)
    assert code == 2
    assert "espeak-ng" in err and "apt-get install espeak-ng" in err


def test_chat_plays_each_answer_where_the_machine_can(espeak, handler, tmp_path, monkeypatch):
    played = []
    monkeypatch.setattr("sys.stdin", io.StringIO("open muscle twitch guide\n"))
    monkeypatch.setattr(audio, "player", lambda: ["true"])
    monkeypatch.setattr(audio.subprocess, "run", _recording(played, audio.subprocess.run))
    code, out, _ = run(["chat", "--audio", str(tmp_path)], handler)
    assert code == 0
    assert played == [["true", str(tmp_path / "01-LaunchRequest.wav")]]
    assert "(audio: " not in out


def _recording(played: list, real):
    def run(command, *args, **kwargs):
        if command and command[0] == "true":
            played.append(list(command))
        return real(command, *args, **kwargs)

    return run
