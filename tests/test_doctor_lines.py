"""The action line up front: answers about conditions and warning signs say when to see a doctor
in the first answer, and the warning-signs overview speaks every sign in one go."""

from __future__ import annotations

import re

import pytest

from skill.content import ContentError, get_content, load_content
from skill.speech import Speaker
from tests.conftest import edit

CONTENT = get_content()
LOCALES = tuple(CONTENT.messages.locales)
ACTION = re.compile(r"\bSee a (doctor|GP) if\b")
CONDITIONS = [entry.id for entry in CONTENT.entries("condition")]


@pytest.mark.parametrize("item_id", ["als", "bfs", "serious", *CONDITIONS])
@pytest.mark.parametrize("locale", LOCALES)
def test_the_first_answer_says_when_to_see_a_doctor_not_only_behind_more(item_id, locale):
    speech = Speaker(CONTENT, locale).answer(item_id).speech
    action = ACTION.search(speech)
    assert action, f"{item_id} ({locale}): no 'See a doctor if ...' in {speech!r}"
    if "Want to hear more?" in speech:
        assert action.start() < speech.index("Want to hear more?")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_warning_signs_overview_speaks_all_six_signs_as_three_items_in_one_answer(locale):
    answer = Speaker(CONTENT, locale).answer("warning_signs")
    overview = CONTENT.get("warning_signs")
    assert len(overview.items) == 6 and len(overview.groups) == 3
    for words in ("lasts", "spreads", "weakness", "shrinking muscles", "numbness", "pain",
                  "a new medicine"):
        assert words in answer.speech, words
    assert answer.follow_up is None, "all six are heard at once: nothing is left to offer"
    assert "Want to hear" not in answer.speech
    assert answer.speech.index("Watch for") < answer.speech.index("talk to a doctor")


def test_a_list_item_holding_commas_is_kept_apart_by_semicolons():
    speech = Speaker(CONTENT, "en-US").answer("warning_signs").speech
    assert ("Watch for twitching that lasts or spreads; weakness or shrinking muscles; and "
            "numbness, pain, or a new medicine.") in speech


def test_an_overview_without_groups_still_speaks_three_items_then_offers_the_rest():
    speak = Speaker(CONTENT, "en-US")
    first = speak.answer("causes")
    assert "stress, caffeine, and low minerals." in first.speech
    assert "There are 4 more. Want to hear them?" in first.speech
    assert speak.follow_up(first.follow_up).follow_up == {"list": "causes", "offset": 6}


def test_more_than_three_groups_are_paged_three_at_a_time(content_copy):
    edit(content_copy / "warning_signs.yaml",
         "    - name: twitching that lasts or spreads\n      items: [persistent, spreading]\n",
         "    - name: twitching that lasts\n      items: [persistent]\n"
         "    - name: twitching that spreads\n      items: [spreading]\n")
    speak = Speaker(load_content(content_copy), "en-US")
    first = speak.answer("warning_signs")
    assert "twitching that lasts, twitching that spreads, and weakness or shrinking" in first.speech
    assert "There's one more. Want to hear it?" in first.speech
    last = speak.follow_up(first.follow_up)
    assert "And finally, numbness, pain, or a new medicine." in last.speech
    assert last.follow_up is None


@pytest.mark.parametrize(("groups", "error"), [
    ("[{name: lasting, items: [persistent]}]", "must name every one of 'items' once"),
    ("[{name: lasting, items: [spreading, persistent, weakness, shrinking, numbness,"
     " new_medication]}]", "in the same order"),
    ("[{name: lasting, items: [persistent, spreading, weakness, shrinking, numbness,"
     " new_medication, gout]}]", "must name every one"),
    ("[{name: lasting}]", "missing field 'items'"),
    ("[{name: lasting, items: [persistent], colour: red}]", "unknown field 'colour'"),
    ("[]", "'groups' must be a list of groups"),
])
def test_groups_that_miss_reorder_or_invent_an_item_name_the_file_and_overview(
        content_copy, groups, error):
    path = content_copy / "warning_signs.yaml"
    text = path.read_text()
    start = text.index("  groups:\n")
    end = text.index("  card:", start)
    path.write_text(f"{text[:start]}  groups: {groups}\n{text[end:]}")
    with pytest.raises(ContentError, match=rf"warning_signs\.yaml:\d+: entry 'warning_signs'.*"
                                           rf"{re.escape(error)}"):
        load_content(content_copy)
