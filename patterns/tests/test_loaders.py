# ruff: noqa: E501  (facts read best one to a line)
"""Reading facts from JSON: every malformed fact is refused with where and which field."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.facts import DecisionKind, Part
from patterns.loaders import FactFileError, store_from_items, store_from_jsonl

PUPIL = {"type": "pupil", "id": "p1", "upn": "A1", "school_id": "s1", "date_of_birth": "2016-05-17", "households": ["h1"]}  # fmt: skip
HOUSEHOLD = {"type": "household", "id": "h1", "adult_count": 2}


def test_a_full_set_of_facts():
    store = store_from_items(
        [
            PUPIL,
            HOUSEHOLD,
            {"type": "concern", "id": "c1", "pupil_id": "p1", "occurred_at": "2025-01-13",
             "author_id": "a", "categories": ["hunger"], "indicators": ["tiredness"],
             "part": "witness", "explanation_suitable": True},
            {"type": "decision", "id": "d1", "pupil_id": "p1", "case_id": "k1", "kind": "referral",
             "decided_at": "2025-01-14T10:00:00", "outcome_due": "2025-01-21",
             "outcome_recorded_at": "2025-01-20T09:00:00+00:00", "concern_ids": ["c1"]},
            {"type": "action", "id": "a1", "pupil_id": "p1", "kind": "practical",
             "created_at": "2025-01-14", "due": "2025-01-20", "done_at": "2025-01-19"},
            {"type": "attendance", "pupil_id": "p1", "day": "2025-01-13", "unauthorised": 1, "unexplained": 1},
            {"type": "attendance_days", "pupil_id": "p1", "from": "2025-01-17", "to": "2025-01-20"},
            {"type": "roll", "id": "e1", "pupil_id": "p1", "school_id": "s1", "start_date": "2024-09-04"},
            {"type": "voice", "id": "v1", "pupil_id": "p1", "heard_at": "2025-01-15"},
            {"type": "cadence", "id": "k1", "pupil_id": "p1", "effective_from": "2025-01-06", "days": 14},
            {"type": "household_factor", "id": "f1", "household_id": "h1", "cin_code": "4B", "noted_at": "2025-01-02"},
            {"type": "household_factor", "id": "f2", "household_id": "h1", "indicator": "poverty", "noted_at": "2025-01-02"},
            {"type": "known_factor", "id": "f3", "pupil_id": "p1", "cin_code": "3B", "noted_at": "2025-01-03"},
            {"type": "concern", "id": "c2", "pupil_id": "p1", "occurred_at": "2025-01-14", "author_id": "a",
             "categories": ["injury"], "text": "Mum said he fell.", "child_words": "I fell",
             "body_regions": ["neck"], "themes": ["fear"]},
            {"type": "voice", "id": "v2", "pupil_id": "p1", "heard_at": "2025-01-16", "words": "scared", "themes": ["fear"]},
        ]
    )  # fmt: skip
    [facts] = store.load_pupils(None, date(2025, 2, 1))
    c, injury = facts.concerns
    assert (injury.text, injury.child_words) == ("Mum said he fell.", "I fell")
    assert injury.body_regions == frozenset({"neck"})
    assert injury.themes == frozenset({"fear"})
    assert [(v.words, v.themes) for v in facts.voice] == [("", frozenset()), ("scared", {"fear"})]
    assert [(f.id, f.household_id, f.source_kind) for f in facts.factors] == [("f3", "", "known")]
    assert c.indicators == {"neglect", "hunger", "tiredness"}
    assert c.part is Part.WITNESS
    assert c.occurred_at.hour == 9
    assert c.recorded_at == c.occurred_at
    assert facts.decisions[0].kind is DecisionKind.REFERRAL
    assert facts.decisions[0].decided_at.utcoffset() is not None
    assert [a.day.isoformat() for a in facts.attendance] == [
        "2025-01-13",
        "2025-01-17",
        "2025-01-20",
    ]
    assert facts.attendance[0].attended == 1
    assert facts.roll[0].end_date is None
    assert facts.cadences[0].days == 14
    [h] = store.load_households(["h1", "unknown"], date(2025, 2, 1))
    assert [f.indicator for f in h.factors] == ["parental_mental_health", "poverty"]
    assert h.adult_count == 2
    assert [p.pupil_id for p in h.children] == ["p1"]
    assert store.load_pupils(["p1", "nobody"], date(2025, 2, 1))[0].pupil_id == "p1"
    assert store.source().pupils(None, date(2025, 2, 1))[0].upn == "A1"


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ([1], "fact 2: expected a JSON object"),
        ({"type": "nope"}, "fact 2, field 'type': unknown fact type 'nope'"),
        ({"type": "concern", "id": "", "pupil_id": "p1", "occurred_at": "2025-01-01", "author_id": "a"}, "field 'id': expected text"),
        ({**PUPIL, "id": "p2", "date_of_birth": "17/05/2016"}, "field 'date_of_birth': not a date"),
        ({**PUPIL, "id": "p2", "disability": "yes"}, "field 'disability': expected true, false"),
        ({**PUPIL, "id": "p2", "households": "h1"}, "field 'households': expected a list of text"),
        (PUPIL, "child 'p1' is defined twice"),
        ({"type": "household", "id": "h2", "adult_count": -1}, "field 'adult_count': expected a whole"),
        ({"type": "concern", "id": "c", "pupil_id": "p1", "occurred_at": "yesterday", "author_id": "a"},
         "field 'occurred_at': not a date or ISO 8601 datetime"),
        ({"type": "concern", "id": "c", "pupil_id": "p1", "occurred_at": "2025-01-01", "author_id": "a",
          "part": "bystander"}, "field 'part': 'bystander' is not one of: subject, other, witness"),
        ({"type": "decision", "id": "d", "pupil_id": "p1", "case_id": "k", "decided_at": "2025-01-01"},
         "field 'kind': None is not one of"),
        ({"type": "attendance", "pupil_id": "p1", "day": "2025-01-06", "attended": 2, "authorised": 1},
         "exceed possible sessions"),
        ({"type": "attendance", "pupil_id": "p1", "day": "2025-01-06", "late": 3}, "field 'late': more late sessions"),
        ({"type": "attendance", "pupil_id": "p1", "day": "2025-01-06", "unexplained": 1},
         "more unexplained than unauthorised"),
        ({"type": "attendance_days", "pupil_id": "p1", "from": "2025-01-06", "to": "2025-01-01"},
         "field 'to': ends before 'from'"),
        ({"type": "household_factor", "id": "f", "household_id": "h1", "cin_code": "99Z", "noted_at": "2025-01-01"},
         "field 'cin_code': '99Z' maps to no indicator"),
        ({"type": "cadence", "id": "k", "pupil_id": "p1", "effective_from": "2025-01-06", "days": "14"},
         "field 'days': expected a whole number"),
        ({"type": "voice", "id": "v", "pupil_id": "nobody", "heard_at": "2025-01-06"},
         "records name child 'nobody', who has no 'pupil' fact"),
        ({"type": "household_factor", "id": "f", "household_id": "h9", "indicator": "x", "noted_at": "2025-01-01"},
         "a factor names household 'h9', which is unknown"),
    ],
)  # fmt: skip
def test_malformed_facts_are_refused(fact, message):
    with pytest.raises(FactFileError, match=message):
        store_from_items([PUPIL, fact, HOUSEHOLD])


def test_a_child_in_an_unknown_household_is_refused():
    with pytest.raises(FactFileError, match="names household 'h1', which has no 'household' fact"):
        store_from_items([PUPIL])


def test_json_lines_file(tmp_path):
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps(PUPIL) + "\n\n" + json.dumps(HOUSEHOLD) + "\n")
    assert list(store_from_jsonl(path).pupils) == ["p1"]
    path.write_text(json.dumps(PUPIL) + "\n{not json\n")
    with pytest.raises(FactFileError, match=r"facts.jsonl line 2: not JSON"):
        store_from_jsonl(path)


@given(st.text(max_size=30))
def test_any_text_for_a_date_is_read_or_refused_cleanly(value):
    fact = {"type": "concern", "id": "c", "pupil_id": "p1", "occurred_at": value, "author_id": "a"}
    try:
        store = store_from_items([PUPIL, HOUSEHOLD, fact])
    except FactFileError as error:
        problem = str(error)
    else:
        problem = ""
        assert store.load_pupils(None, date(2025, 1, 1))[0].concerns[0].occurred_at.tzinfo
    assert problem == "" or "field 'occurred_at'" in problem
