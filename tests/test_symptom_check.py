""" "Should I worry?": the guided warning-sign check.

Two kinds of test. Recorded requests (tests/fixtures/check_*.json) pin what one turn says and
leaves in the session. Then every path through the check is driven, turn by turn, through the
Lambda entry path with envelopes in Alexa's shape: every combination of answers (yes, no, not
sure; built-in Yes/No and the answer slot), and every interruption at every step. Whatever the
path: the emergency screen comes first, no turn says "you have", and every way the check ends
tells the person what to do. The emergency ending is the emergency answer, word for word (call
now, first; the not-medical-advice line is on its card, never spoken after "don't drive
yourself"); every other ending points to a doctor and says this is not medical advice.
"""

from __future__ import annotations

import itertools
import re

import pytest

from skill.app import handle_event
from skill.build.model import build_models
from skill.content import ContentError, get_content, load_content
from skill.simulator.envelope import Conversation, slot
from skill.speech import CHECK, LIST_PAGE, NO, UNSURE, YES, Speaker
from tests.conftest import Reply, edit

CONTENT = get_content()
CHECK_CONTENT = CONTENT.check
assert CHECK_CONTENT is not None
EMERGENCY = CHECK_CONTENT.emergency
STEPS = CHECK_CONTENT.steps
ALL_QUESTIONS = (EMERGENCY, *STEPS)
MESSAGES = CONTENT.messages
DISCLAIMER = MESSAGES.text("check_not_medical_advice")
DOCTOR_ADVICE = re.compile(r"\b(see|seeing|talk to) a doctor\b", re.IGNORECASE)
LOCALES = tuple(MESSAGES.locales)


def emergency_call(locale: str = "en-US") -> str:
    return f"Call {MESSAGES.locales[locale]['emergency_spoken']} now."


def emergency_answer(locale: str = "en-US") -> str:
    return Speaker(CONTENT, locale).emergency().speech


def asked(speech: str) -> list[str]:
    """Which check questions a reply asks, by their exact words."""
    return [step.id for step in ALL_QUESTIONS if step.question in speech]


# --- recorded requests, one turn each ---------------------------------------------------------

def test_asking_whether_to_worry_starts_with_the_emergency_screen(replay):
    reply = replay("check_start")
    assert reply.speech.startswith(MESSAGES.text("check_intro"))
    assert reply.speech.endswith(EMERGENCY.question)
    assert asked(reply.speech) == [EMERGENCY.id]
    assert reply.reprompt == EMERGENCY.reprompt
    assert reply.ends_session is False
    assert reply.attributes["check"] == {"step": "emergency", "yes": [], "unsure": []}
    assert reply.attributes["follow_up"] == {CHECK: "emergency"}


@pytest.mark.parametrize("form", ["yes", "amazon_yes", "unsure"])
def test_yes_or_not_sure_to_the_emergency_screen_is_the_emergency_answer(replay, form):
    reply = replay(f"check_emergency_{form}")
    assert reply.speech.startswith(emergency_call())  # the instruction, first, unconditionally
    assert reply.speech == emergency_answer()  # the same words as "I can't breathe"
    assert reply.ends_session is True
    assert reply.reprompt == ""
    assert "check" not in reply.attributes
    assert "911" in reply.card["title"] and "Call 911 now." in reply.card["content"]
    assert reply.card["content"].endswith(DISCLAIMER)


def test_the_emergency_number_is_the_listeners_own(replay):
    reply = replay("check_emergency_yes_en_gb")
    assert reply.speech.startswith("Call nine nine nine now.")
    assert "999" in reply.card["content"]


def test_the_emergency_screen_asks_one_question_that_covers_signs_that_passed():
    assert EMERGENCY.question.count("?") == 1
    assert "even if it went away" in EMERGENCY.question
    for sign in ("weakness or numbness", "drooping face", "speaking", "breathing", "swallowing",
                 "chest pain", "seizure"):
        assert sign in EMERGENCY.question


def test_every_sign_is_asked_as_one_question_about_one_thing():
    for step in STEPS:
        assert step.question.count("?") == 1, step.question
    questions = {step.id: step.question for step in STEPS}
    assert "weeks" in questions["persistent"] and "one spot" in questions["persistent"]
    assert "weeks" not in questions["spreading"]
    assert "new medicine" in questions["new_medication"]


def test_a_new_medicine_sends_to_the_prescriber_and_never_says_stop_it(replay):
    reply = replay("check_new_medication_yes")
    assert "talk to whoever prescribed it" in reply.speech
    assert "Never stop a medicine on your own." in reply.speech
    assert reply.speech.endswith(DISCLAIMER)
    assert "They may also use tests like" not in reply.speech  # no test for a side effect


@pytest.mark.parametrize("form", ["no", "amazon_no"])
def test_no_to_the_emergency_screen_moves_to_the_first_sign(replay, form):
    reply = replay(f"check_emergency_{form}")
    assert asked(reply.speech) == [STEPS[0].id]
    assert reply.attributes["check"] == {"step": STEPS[0].id, "yes": [], "unsure": []}
    assert reply.attributes["follow_up"] == {CHECK: STEPS[0].id}
    assert reply.ends_session is False


@pytest.mark.parametrize("index", range(len(STEPS) - 1))
@pytest.mark.parametrize(("form", "meaning"), [
    ("yes", YES), ("amazon_yes", YES), ("no", NO), ("amazon_no", NO), ("unsure", UNSURE)])
def test_each_answer_to_a_sign_is_recorded_and_the_next_sign_asked(replay, index, form, meaning):
    step, following = STEPS[index], STEPS[index + 1]
    reply = replay(f"check_{step.id}_{form}")
    assert asked(reply.speech) == [following.id]
    state = reply.attributes["check"]
    assert state["step"] == following.id
    assert state["yes"] == ([step.id] if meaning == YES else [])
    assert state["unsure"] == ([step.id] if meaning == UNSURE else [])
    if meaning == UNSURE:
        assert "I count it as a yes, to be safe" in reply.speech
    assert reply.reprompt == following.reprompt


@pytest.mark.parametrize(("form", "flagged"), [
    ("yes", True), ("amazon_yes", True), ("unsure", True), ("no", False), ("amazon_no", False)])
def test_the_last_answer_gives_the_outcome_and_ends(replay, form, flagged):
    reply = replay(f"check_{STEPS[-1].id}_{form}")
    outcome = CHECK_CONTENT.outcomes["see_doctor" if flagged else "no_signs"]
    assert reply.speech.startswith(outcome.speech)
    assert DOCTOR_ADVICE.search(reply.speech)
    assert reply.speech.endswith(DISCLAIMER)
    assert reply.ends_session is True
    assert "check" not in reply.attributes
    assert reply.card["title"] == outcome.title


def test_the_outcome_says_why_and_names_tests_a_doctor_may_use(replay):
    reply = replay("check_new_medication_no_after_flags")  # weakness yes, shrinking not sure
    # one sentence for the signs, yes and not sure alike (each "not sure" was already said to
    # count as yes when it was given), and one for what a doctor may do: the outcome is the
    # longest turn of the skill, held to 30 seconds of listening (tests/test_listening.py)
    assert (f"You said yes, or weren't sure, to {STEPS[0].sign} and {STEPS[1].sign}."
            in reply.speech)
    assert "A doctor may start with an exam, and tests like blood tests, EMG, and MRI." \
        in reply.speech
    assert "Warning signs that came up:" in reply.card["content"]


def test_no_red_flags_does_not_over_reassure_and_says_when_to_see_a_doctor(replay):
    reply = replay("check_new_medication_no")
    assert "this check can't rule anything out" in reply.speech
    assert "harmless" not in reply.speech and "nothing to worry" not in reply.speech
    assert "stress, caffeine, or too little sleep" in reply.speech
    assert "See a doctor if it lasts for weeks or spreads" in reply.speech


@pytest.mark.parametrize(("fixture", "lead"), [
    ("check_help", "check_help"),
    ("check_repeat", "check_repeat"),
    ("check_fallback", "check_not_understood"),
    ("check_unheard_answer", "check_not_understood"),
    ("check_skip", "check_no_skip"),
    ("check_again_while_asking", "check_in_progress"),
])
def test_interruptions_say_their_line_then_ask_the_same_question(replay, fixture, lead):
    reply = replay(fixture)
    assert reply.speech == f"{MESSAGES.text(lead)} {STEPS[0].question}"
    assert reply.attributes["check"]["step"] == STEPS[0].id
    assert reply.attributes["follow_up"] == {CHECK: STEPS[0].id}
    assert reply.ends_session is False


@pytest.mark.parametrize("fixture", ["check_stop", "check_cancel",
                                     "check_stop_after_side_question"])
def test_stopping_mid_check_ends_with_the_doctor_advice(replay, fixture):
    reply = replay(fixture)
    assert reply.speech.startswith("Okay, I've stopped the check.")
    assert MESSAGES.text("doctor_pointer") in reply.speech
    assert DISCLAIMER in reply.speech
    assert reply.ends_session is True
    assert "check" not in reply.attributes


def test_start_over_mid_check_restarts_it_emergency_screen_first(replay):
    reply = replay("check_start_over")  # one sign already answered yes
    assert reply.speech == f"{MESSAGES.text('check_restart')} {EMERGENCY.question}"
    assert reply.attributes["check"] == {"step": "emergency", "yes": [], "unsure": []}


def test_a_different_question_mid_check_is_answered_and_the_check_paused(replay):
    reply = replay("check_side_question")
    assert reply.speech.startswith("Twitching usually has an everyday cause.")
    assert reply.attributes["follow_up"] == {"list": "causes", "offset": 3}
    assert reply.attributes["check"]["step"] == STEPS[1].id  # kept, waiting to be picked up


@pytest.mark.parametrize("fixture", ["check_yes_after_side_question",
                                     "check_kind_of_after_side_question"])
def test_after_a_side_question_yes_takes_its_offer_not_the_check(replay, fixture):
    reply = replay(fixture)
    assert reply.speech.startswith("Also, dehydration")
    assert asked(reply.speech) == []
    assert reply.attributes["check"] == {"step": STEPS[1].id, "yes": [STEPS[0].id], "unsure": []}


def test_after_a_side_question_no_declines_and_says_how_to_go_back(replay):
    reply = replay("check_no_after_side_question")
    assert reply.speech == f"Okay. {MESSAGES.text('check_paused')}"
    assert reply.attributes["check"]["yes"] == [STEPS[0].id]


@pytest.mark.parametrize("fixture", ["check_not_sure_while_paused", "check_yes_while_paused"])
def test_an_answer_while_paused_is_not_counted(replay, fixture):
    reply = replay(fixture)
    assert reply.speech == MESSAGES.text("check_paused")
    assert reply.attributes["check"] == {"step": STEPS[1].id, "yes": [STEPS[0].id], "unsure": []}


@pytest.mark.parametrize("fixture", ["check_continue_after_side_question",
                                     "check_resume_after_side_question"])
def test_continue_picks_the_check_up_where_it_was(replay, fixture):
    reply = replay(fixture)
    assert reply.speech == f"{MESSAGES.text('check_resume')} {STEPS[1].question}"
    assert reply.attributes["follow_up"] == {CHECK: STEPS[1].id}
    assert reply.attributes["check"]["yes"] == [STEPS[0].id]


def test_not_sure_with_no_check_gets_the_fallback(replay):
    assert replay("check_not_sure_without_check").speech == MESSAGES.text("fallback")


@pytest.mark.parametrize("check", [
    "not a mapping", {"step": "gout"}, {"step": None}, {"step": "shrinking", "yes": "weakness"}])
def test_a_tampered_check_state_never_crashes(replay, check):
    reply = replay("check_shrinking_amazon_yes", check=check)
    assert reply.ends_session is False or DOCTOR_ADVICE.search(reply.speech)
    assert "went wrong" not in reply.speech


# --- every path, driven turn by turn ----------------------------------------------------------

class Run:
    """One person going through the check: sends envelopes, keeps every reply."""

    def __init__(self, skill, locale: str = "en-US") -> None:
        self.skill, self.conversation, self.locale = skill, Conversation(locale=locale), locale
        self.requests: list[dict] = []
        self.replies: list[Reply] = []

    def send(self, envelope: dict) -> Reply:
        reply = Reply(handle_event(self.skill, envelope))
        self.conversation.carry(reply.envelope)
        self.requests.append(envelope)
        self.replies.append(reply)
        return reply

    def intent(self, name: str, **slots: dict) -> Reply:
        return self.send(self.conversation.intent(name, slots or None))

    def answer(self, meaning: str, built_in: bool) -> Reply:
        if built_in and meaning in (YES, NO):
            return self.intent("AMAZON.YesIntent" if meaning == YES else "AMAZON.NoIntent")
        word = CHECK_CONTENT.answers[[YES, NO, UNSURE].index(meaning)]
        heard = word.synonyms[0] if word.synonyms else word.name
        return self.intent("CheckAnswerIntent", Answer=slot(
            "Answer", heard, slot_type="CheckAnswerType", match=(word.id, word.name)))

    @property
    def last(self) -> Reply:
        return self.replies[-1]


def said_no(envelope: dict) -> bool:
    """Whether a request is a "no", read from the request itself, not from the skill's state."""
    intent = envelope["request"].get("intent") or {}
    if intent.get("name") == "AMAZON.NoIntent":
        return True
    answer = (intent.get("slots") or {}).get("Answer") or {}
    resolutions = (answer.get("resolutions") or {}).get("resolutionsPerAuthority") or []
    return any(value["value"]["id"] == NO for r in resolutions for value in r.get("values", []))


def assert_safe(run: Run) -> None:
    """What holds on every path: emergency screen first, no diagnosis, advice at every end."""
    screened, waiting_for = False, None
    for index, (request, reply) in enumerate(zip(run.requests, run.replies, strict=True)):
        if waiting_for == {CHECK: EMERGENCY.id} and said_no(request):
            screened = True
        speech = reply.speech
        assert "you have" not in speech.lower(), speech
        questions = asked(speech)
        if EMERGENCY.id in questions:
            screened = False  # a (re)start: the screen must be answered again
        elif questions:
            assert screened, f"turn {index}: a sign was asked before the emergency screen"
        waiting_for = reply.attributes.get("follow_up")
        if reply.ends_session:
            assert "check" not in reply.attributes
            if speech.startswith(emergency_call(run.locale)):
                assert speech == emergency_answer(run.locale)
                assert reply.card["content"].endswith(DISCLAIMER)
                continue
            assert speech.endswith(DISCLAIMER) or DISCLAIMER in speech, speech
            assert DOCTOR_ADVICE.search(speech), speech


SEMANTIC_PATHS = [(YES,), (UNSURE,)] + [
    (NO, *answers) for answers in itertools.product((YES, NO, UNSURE), repeat=len(STEPS))]


@pytest.mark.parametrize("built_in", [True, False], ids=["built-in-yes-no", "answer-slot"])
@pytest.mark.parametrize("answers", SEMANTIC_PATHS, ids="-".join)
def test_every_combination_of_answers_ends_in_advice(skill, answers, built_in):
    run = Run(skill)
    first = run.intent("SymptomCheckIntent")
    assert asked(first.speech) == [EMERGENCY.id]
    for meaning in answers:
        run.answer(meaning, built_in)
    assert_safe(run)
    assert [q for r in run.replies for q in asked(r.speech)] == [
        s.id for s in ALL_QUESTIONS[:len(answers)]]
    assert run.last.ends_session is True
    if answers[0] != NO:
        assert run.last.speech == emergency_answer()
        return
    signs = dict(zip((s.id for s in STEPS), answers[1:], strict=True))
    yes = [s for s in STEPS if signs[s.id] == YES]
    unsure = [s for s in STEPS if signs[s.id] == UNSURE]
    if not yes and not unsure:
        assert run.last.speech.startswith(CHECK_CONTENT.outcomes["no_signs"].speech)
        return
    assert run.last.speech.startswith(CHECK_CONTENT.outcomes["see_doctor"].speech)
    flagged = [s for s in STEPS if s in yes or s in unsure]   # named in the check's order
    for step in flagged[:LIST_PAGE]:
        assert step.sign in run.last.speech, f"{step.id} not named as a reason"
    if len(flagged) > LIST_PAGE:
        assert f"{len(flagged)} signs" in run.last.speech   # the rest are counted, not dropped
    assert "an exam" in run.last.speech   # what a doctor does next, tests or none


def test_the_answer_form_never_changes_the_outcome(skill):
    for answers in SEMANTIC_PATHS:
        outcomes = set()
        for built_in in (True, False):
            run = Run(skill)
            run.intent("SymptomCheckIntent")
            for meaning in answers:
                run.answer(meaning, built_in)
            outcomes.add(run.last.speech)
        assert len(outcomes) == 1, answers


def go_to(run: Run, index: int) -> None:
    """Start a check and answer no until question `index` (0: the emergency screen) is asked."""
    run.intent("SymptomCheckIntent")
    for _ in range(index):
        run.answer(NO, built_in=True)
    assert asked(run.last.speech) == [ALL_QUESTIONS[index].id]


def side_question(run: Run) -> None:
    run.intent("CauseIntent", Cause=slot("Cause", None))
    assert asked(run.last.speech) == []


INTERRUPTIONS = {
    "help": lambda run: run.intent("AMAZON.HelpIntent"),
    "repeat": lambda run: run.intent("AMAZON.RepeatIntent"),
    "fallback": lambda run: run.intent("AMAZON.FallbackIntent"),
    "next": lambda run: run.intent("AMAZON.NextIntent"),
    "more": lambda run: run.intent("AMAZON.MoreIntent"),
    "unheard-answer": lambda run: run.intent("CheckAnswerIntent", Answer=slot(
        "Answer", "purple", slot_type="CheckAnswerType")),
    "ask-again": lambda run: run.intent("SymptomCheckIntent"),
    "side-question-then-continue": lambda run: (
        side_question(run), run.intent("SymptomCheckIntent")),
    "side-question-then-resume": lambda run: (
        side_question(run), run.intent("AMAZON.ResumeIntent")),
    "side-question-yes-no-then-continue": lambda run: (
        side_question(run), run.intent("AMAZON.YesIntent"), run.intent("AMAZON.NoIntent"),
        run.answer(UNSURE, built_in=False), run.intent("SymptomCheckIntent")),
}


@pytest.mark.parametrize("then", [NO, UNSURE])
@pytest.mark.parametrize("index", range(len(ALL_QUESTIONS)),
                         ids=[s.id for s in ALL_QUESTIONS])
@pytest.mark.parametrize("interruption", INTERRUPTIONS)
def test_an_interruption_at_any_step_keeps_the_check_and_its_answers(
        skill, interruption, index, then):
    run = Run(skill)
    go_to(run, index)
    before = dict(run.last.attributes["check"])
    INTERRUPTIONS[interruption](run)
    assert asked(run.last.speech) == [ALL_QUESTIONS[index].id], run.last.speech
    assert run.last.attributes["check"] == before  # nothing said in between was counted
    assert run.last.attributes["follow_up"] == {CHECK: ALL_QUESTIONS[index].id}
    while not run.last.ends_session:
        run.answer(then if asked(run.last.speech) != [EMERGENCY.id] else NO, built_in=False)
    assert_safe(run)
    expected = "see_doctor" if then == UNSURE else "no_signs"  # at least one sign is left
    assert run.last.speech.startswith(CHECK_CONTENT.outcomes[expected].speech)


@pytest.mark.parametrize("index", range(len(ALL_QUESTIONS)), ids=[s.id for s in ALL_QUESTIONS])
@pytest.mark.parametrize("stop", ["AMAZON.StopIntent", "AMAZON.CancelIntent",
                                  "AMAZON.NavigateHomeIntent"])
@pytest.mark.parametrize("paused", [False, True], ids=["asking", "paused"])
def test_stopping_at_any_step_ends_with_the_doctor_advice(skill, index, stop, paused):
    run = Run(skill)
    go_to(run, index)
    if paused:
        side_question(run)
    run.intent(stop)
    assert run.last.ends_session is True
    assert MESSAGES.text("doctor_pointer") in run.last.speech
    assert_safe(run)


@pytest.mark.parametrize("index", range(len(ALL_QUESTIONS)), ids=[s.id for s in ALL_QUESTIONS])
@pytest.mark.parametrize("paused", [False, True], ids=["asking", "paused"])
def test_start_over_at_any_step_goes_back_to_the_emergency_screen(skill, index, paused):
    run = Run(skill)
    go_to(run, index)
    run.answer(YES if index else NO, built_in=True)  # leave a flag behind, if a sign was asked
    if not run.last.ends_session:  # the last sign's answer ends the check: nothing to restart
        if paused:
            side_question(run)
        run.intent("AMAZON.StartOverIntent")
        assert asked(run.last.speech) == [EMERGENCY.id]
        assert run.last.attributes["check"] == {"step": EMERGENCY.id, "yes": [], "unsure": []}
        while not run.last.ends_session:
            run.answer(NO, built_in=True)
        assert run.last.speech.startswith(CHECK_CONTENT.outcomes["no_signs"].speech)
    assert_safe(run)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("meaning", [YES, UNSURE])
def test_every_locale_hears_its_own_emergency_number(skill, locale, meaning):
    run = Run(skill, locale)
    run.intent("SymptomCheckIntent")
    run.answer(meaning, built_in=False)
    assert run.last.speech.startswith(emergency_call(locale))
    assert run.last.speech == emergency_answer(locale)
    assert_safe(run)


def test_yes_and_no_without_a_check_keep_their_usual_meaning(replay):
    assert replay("yes_nothing_offered").speech == MESSAGES.text("anything_else")
    assert replay("no_after_offer").speech == MESSAGES.text("ok_anything_else")


# --- the words: content, messages, model --------------------------------------------------------

def check_texts() -> list[str]:
    texts = [MESSAGES.templates[k] for k in MESSAGES.templates if k.startswith("check_")]
    for step in ALL_QUESTIONS:
        texts += [step.question, step.reprompt, step.sign or ""]
    for outcome in CHECK_CONTENT.outcomes.values():
        texts += [outcome.title, outcome.speech, outcome.card]
    return texts


def test_nothing_the_check_can_say_is_phrased_as_a_diagnosis():
    for text in check_texts():
        assert "you have" not in text.lower(), text
        assert "diagnos" not in text.lower(), text


def test_every_outcome_and_the_stop_line_point_to_a_doctor_or_emergency_services():
    outcomes = CHECK_CONTENT.outcomes
    assert DOCTOR_ADVICE.search(outcomes["see_doctor"].speech)
    assert DOCTOR_ADVICE.search(outcomes["no_signs"].speech)
    assert Speaker(CONTENT).check_emergency().speech.startswith(emergency_call())


def test_the_check_is_short():
    assert 1 <= len(STEPS) <= 6
    speak = Speaker(CONTENT)
    ids = [s.id for s in STEPS]
    for cut in range(len(ids) + 1):  # every split of the signs between yes and not sure
        for yes, unsure in ((ids[:cut], ids[cut:]), (ids[cut:], ids[:cut])):
            assert len(speak.check_outcome(yes, unsure).speech.split()) < 100
    assert len(speak.check_start().speech.split()) < 70


def test_tests_named_in_the_outcome_come_from_the_tests_content():
    for step in STEPS:
        for test in step.tests:
            assert CONTENT.get(test).kind == "test"


MODEL = build_models(CONTENT)["en-US"]["interactionModel"]["languageModel"]
INTENTS = {intent["name"]: intent for intent in MODEL["intents"]}


def test_the_phrasings_that_start_the_check_are_in_its_intent():
    samples = set(INTENTS["SymptomCheckIntent"]["samples"])
    assert {"should i worry about my twitching", "should i worry about twitching",
            "check my symptoms", "check if my twitching is serious"} <= samples


def test_is_my_twitching_serious_means_what_is_twitching_serious_means():
    """One word ("my") apart must not be two different answers: both get the serious answer."""
    serious = set(INTENTS["IsItSeriousIntent"]["samples"])
    assert {"is twitching serious", "is my twitching serious", "are my twitches dangerous",
            "are twitches dangerous"} <= serious


def test_answer_words_never_repeat_a_built_in_yes_or_no_sample():
    built_in = set(INTENTS["AMAZON.YesIntent"]["samples"]) | set(
        INTENTS["AMAZON.NoIntent"]["samples"])
    assert not built_in & set(INTENTS["CheckAnswerIntent"]["samples"])


def test_no_answer_word_is_a_yes_or_a_no_the_built_in_intents_own():
    """ "yes", "yeah", "no", "nope" ... arrive as AMAZON.YesIntent / NoIntent, never as a slot."""
    values = next(t for t in MODEL["types"] if t["name"] == "CheckAnswerType")["values"]
    meaning = {w: v["id"] for v in values for w in (v["name"]["value"],
                                                     *v["name"].get("synonyms", []))}
    built_in = set(INTENTS["AMAZON.YesIntent"]["samples"]) | set(
        INTENTS["AMAZON.NoIntent"]["samples"])
    assert built_in & set(meaning) == set()
    owned = ("yes", "yeah", "yep", "yup", "no", "nope", "nah")
    # "no idea" starts with "no" but means not sure: the only such word, and never a yes or no.
    assert {w: m for w, m in meaning.items() if w.split()[0] in owned} == {"no idea": UNSURE}


def test_the_answer_slot_type_is_yes_no_and_not_sure_from_the_content():
    values = next(t for t in MODEL["types"] if t["name"] == "CheckAnswerType")["values"]
    assert [v["id"] for v in values] == [YES, NO, UNSURE]
    synonyms = {s for v in values for s in v["name"].get("synonyms", [])}
    assert {"i'm not sure", "kind of", "i don't think so", "maybe"} <= synonyms


# --- a broken check file fails loudly, naming file, entry and line ------------------------------

@pytest.mark.parametrize(("old", "new", "error"), [
    ("    sign: numbness or pain\n", "", r"symptom_check\.yaml:\d+: entry 'numbness' missing "
                                         r"field 'sign'"),
    ("tests: [nerve_conduction, emg]", "tests: [nerve_conduction, gout]",
     r"entry 'numbness': test 'gout' is not an entry of kind 'test'"),
    ("    reprompt: >-\n      Have your muscles felt weak?",
     "    repromt: typo\n    reprompt: >-\n      Have your muscles felt weak?",
     r"entry 'weakness' unknown field 'repromt'"),
    ("synonyms: [i do,", "synonyms: [maybe, i do,",
     r"entry 'unsure' says 'maybe', already said for 'yes'"),
    ("  - id: shrinking", "  - id: weakness", r"entry 'weakness' id already used"),
    ("    - id: unsure", "    - id: perhaps_not", r"exactly the ids yes, no, unsure"),
    ("  no_signs:", "  all_clear:", r"entry 'outcomes' missing field 'no_signs'"),
    ("    tests: [nerve_conduction, emg]\n", "",
     r"entry 'numbness' needs 'tests' or 'advice'"),
    ("  kind: check_answer", "  kind: test", r"answers kind 'test' is also defined in tests\.yaml"),
])
def test_a_broken_check_file_names_what_is_wrong(content_copy, old, new, error):
    edit(content_copy / "symptom_check.yaml", old, new)
    with pytest.raises(ContentError, match=error):
        load_content(content_copy)


def test_more_than_six_questions_is_refused(content_copy):
    path = content_copy / "symptom_check.yaml"
    text = path.read_text()
    start = text.index("  - id: numbness")
    block = text[start:text.index("\n  - id: new_medication")]
    path.write_text(text.replace(block, block + "\n" + block.replace("numbness", "numbness_2")))
    with pytest.raises(ContentError, match="'steps' must list one to 6 questions"):
        load_content(content_copy)


def test_without_a_check_file_the_rest_of_the_content_still_loads(content_copy):
    (content_copy / "symptom_check.yaml").unlink()
    content = load_content(content_copy)
    assert content.check is None and content.kinds
