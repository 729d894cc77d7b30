"""Our own sentences: nothing the skill says or shows repeats six words in a row of the article.

The facts come from the reference article; the sentences must not. Every text in content/*.yaml
that can be spoken or shown (speech, "more", cards, titles, overviews, tips, the skill's own
messages, the symptom check's questions and endings, list names) is compared with the article,
ignoring case, punctuation and apostrophes. Only what people say *to* the skill (synonyms) and
ids are left out. Each copied run is reported with its file, entry and field, so it can be found
and rewritten for the ear.

The article lives outside the repository, in the workspace's `shared/reference/`: found in the
nearest parent directory of the repository that has it, or wherever MUSCLE_TWITCH_ARTICLE
points. A clone without it skips the comparison, saying why; everything else here still runs.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from skill.content import CONTENT_DIR, load_content

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_ENV = "MUSCLE_TWITCH_ARTICLE"
ARTICLE_PATH = Path("shared", "reference", "muscle-twitching-article.txt")
RUN = 6  # six words in a row is a copied phrase, not a shared fact or name
# Keys whose strings the skill never speaks or shows: ids, what people say to it, settings.
NOT_SAID = {"id", "kind", "synonyms", "items", "tests", "acronyms", "default_locale"}

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`]")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_BREAK = "\x00"  # stands where a placeholder was: no run continues across it


class Text(NamedTuple):
    """A string the skill can speak or show, and where it lives."""

    file: str
    entry: str
    field: str
    text: str


class Run(NamedTuple):
    """Words of a content text that appear, in the same order, in the article."""

    where: Text
    words: tuple[str, ...]

    def __str__(self) -> str:
        where = self.where
        return (f"{where.file}: entry '{where.entry}' field '{where.field}': "
                f"{len(self.words)} words: \"{' '.join(self.words)}\"")


def words(text: str) -> list[str]:
    """The words as compared: lower case, apostrophes dropped (don't = dont), every other
    punctuation mark a space (well-balanced = well balanced), placeholders a break."""
    text = _PLACEHOLDER.sub(f" {_BREAK} ", text.lower())
    text = _APOSTROPHES.sub("", text)
    return re.sub(rf"[^a-z0-9{_BREAK}]+", " ", text).split()


def find_runs(article: str, texts: list[Text], length: int = RUN) -> list[Run]:
    """Every longest run of `length` or more consecutive article words inside each text.

    Runs are maximal: a copied sentence is reported once with all its words, not as every
    six-word window inside it; a run is never a chain of two pieces from different places.
    """
    source = words(article)
    at: dict[str, list[int]] = defaultdict(list)
    for position, word in enumerate(source):
        at[word].append(position)
    runs: list[Run] = []
    for text in texts:
        said = words(text.text)
        covered = 0  # said[:covered] already lies inside a reported run
        for start in range(len(said)):
            longest = 0
            for origin in at.get(said[start], ()):
                size = 0
                while (start + size < len(said) and origin + size < len(source)
                       and said[start + size] == source[origin + size]
                       and said[start + size] != _BREAK):
                    size += 1
                longest = max(longest, size)
            if longest >= length and start + longest > covered:
                runs.append(Run(text, tuple(said[start:start + longest])))
                covered = start + longest
    return runs


def _strings(raw: Any, path: tuple[str, ...], entry: str | None) -> Iterator[tuple[str, str, str]]:
    """(entry, field, text) for every string under `raw`, skipping NOT_SAID keys. The entry is
    the nearest enclosing mapping's id, or the path of keys when there is none."""
    if isinstance(raw, str):
        owner = entry if entry is not None else ".".join(path[:-1]) or "(file)"
        yield owner, path[-1] if path else "(value)", raw
    elif isinstance(raw, dict):
        if isinstance(raw.get("id"), str):
            entry, path = raw["id"], ()
        for key, value in raw.items():
            if str(key) not in NOT_SAID:
                yield from _strings(value, (*path, str(key)), entry)
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            yield from _strings(value, (*path[:-1], f"{path[-1]}[{index}]") if path else
                                (f"[{index}]",), entry)


def content_texts(directory: Path = CONTENT_DIR) -> list[Text]:
    """Every string of every content file that the skill can speak or show."""
    texts = []
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry, field, text in _strings(raw, (), None):
            texts.append(Text(path.name, entry, field, " ".join(text.split())))
    return texts


def localised_texts(directory: Path = CONTENT_DIR) -> list[Text]:
    """The texts a locale hears differently (its words swapped in), which the YAML never spells
    out whole: a swap could join words into a copied run."""
    content = load_content(directory)
    texts = []
    for locale in content.messages.locales:
        local = content.for_locale(locale)
        for kind in content.kinds.values():
            items = (*kind.entries, *([kind.overview] if kind.overview else []))
            for item in items:
                changed = local.get(item.id)
                for field in ("title", "speech", "more", "card"):
                    text = getattr(changed, field)
                    if text and text != getattr(item, field):
                        texts.append(Text(kind.source, item.id, f"{field} in {locale}", text))
    return texts


def article_path() -> Path | None:
    """MUSCLE_TWITCH_ARTICLE, else the nearest parent of the repository holding shared/reference."""
    if os.environ.get(ARTICLE_ENV):
        return Path(os.environ[ARTICLE_ENV])
    for parent in ROOT.parents:
        if (parent / ARTICLE_PATH).is_file():
            return parent / ARTICLE_PATH
    return None


# --- the rule, on the real content ---------------------------------------------------------------

def test_no_content_text_repeats_six_words_in_a_row_of_the_reference_article():
    path = article_path()
    if path is None:
        pytest.skip(f"the reference article ({ARTICLE_PATH}) is not in any parent directory of "
                    f"this checkout; set {ARTICLE_ENV} to its path to run the comparison")
    assert path.is_file(), f"{ARTICLE_ENV} points at {path}, which is not a file"
    runs = find_runs(path.read_text(encoding="utf-8"), content_texts() + localised_texts())
    report = "\n".join(str(run) for run in runs)
    assert not runs, f"{len(runs)} runs of {RUN}+ words copied from the article:\n{report}"


def test_every_text_the_loader_reads_is_compared():
    """The comparison walks the raw YAML; this keeps it from quietly missing a spoken field."""
    compared = {text.text for text in content_texts()}
    content = load_content()
    spoken = []
    for kind in content.kinds.values():
        for item in (*kind.entries, *([kind.overview] if kind.overview else [])):
            spoken += [item.title, item.speech, item.card, item.more]
            spoken += [getattr(item, "name", None), getattr(item, "list_intro", None)]
    spoken += list(content.messages.templates.values())
    if content.check:
        for step in (content.check.emergency, *content.check.steps):
            spoken += [step.question, step.reprompt, step.sign]
        for outcome in content.check.outcomes.values():
            spoken += [outcome.title, outcome.speech, outcome.card]
    missing = [text for text in spoken if text and text not in compared]
    assert not missing
    assert {text.field for text in localised_texts()} >= {"speech in en-GB", "card in en-GB"}


# --- the finder itself ---------------------------------------------------------------------------

ARTICLE = ("Muscle twitching is common. Foods rich in magnesium, calcium, and potassium are "
           "particularly important. It's usually harmless.")


def said(text: str, field: str = "speech") -> Text:
    return Text("causes.yaml", "minerals", field, text)


def test_a_copied_sentence_is_found_whatever_its_case_punctuation_and_apostrophes():
    runs = find_runs(ARTICLE, [said("FOODS rich in magnesium calcium and potassium - are "
                                    "particularly important; its usually fine.")])
    assert [" ".join(run.words) for run in runs] == [
        "foods rich in magnesium calcium and potassium are particularly important its usually"]


def test_a_run_is_reported_once_with_its_file_entry_and_field():
    runs = find_runs(ARTICLE, [said("Foods rich in magnesium, calcium, and potassium help.",
                                    "more")])
    assert len(runs) == 1
    assert str(runs[0]) == ("causes.yaml: entry 'minerals' field 'more': 7 words: "
                            "\"foods rich in magnesium calcium and potassium\"")


def test_five_words_in_a_row_are_not_a_copy():
    assert find_runs(ARTICLE, [said("Foods rich in magnesium, calcium: eat them.")]) == []


def test_words_from_two_places_in_the_article_side_by_side_are_not_a_copy():
    assert find_runs(ARTICLE, [said("It's usually harmless: muscle twitching is common.")]) == []


def test_a_placeholder_breaks_a_run():
    assert find_runs(ARTICLE, [said("Foods rich in {mineral} calcium, and potassium are.")]) == []


def test_ids_and_synonyms_are_not_compared_but_names_and_messages_are(tmp_path):
    (tmp_path / "causes.yaml").write_text(
        "kind: cause\nentries:\n  - id: minerals\n    name: low minerals\n"
        "    synonyms: [foods rich in magnesium calcium and potassium]\n"
        "    title: Foods rich in magnesium, calcium, and potassium\n")
    (tmp_path / "messages.yaml").write_text(
        "messages:\n  welcome: Muscle twitching is common. Foods rich in magnesium.\n")
    runs = find_runs(ARTICLE, content_texts(tmp_path))
    assert [(run.where.file, run.where.entry, run.where.field) for run in runs] == [
        ("causes.yaml", "minerals", "title"), ("messages.yaml", "messages", "welcome")]


def test_the_article_is_found_where_the_environment_says(tmp_path, monkeypatch):
    article = tmp_path / "article.txt"
    monkeypatch.setenv(ARTICLE_ENV, str(article))
    assert article_path() == article
