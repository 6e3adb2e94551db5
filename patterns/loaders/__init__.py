"""Facts from JSON: a JSON Lines file (`run_detectors --facts FILE`) or a scenario's fact list.

Each fact is one JSON object with a `type`:

    {"type": "pupil", "id": "p1", "upn": "A123...", "school_id": "s1",
     "date_of_birth": "2016-05-17", "households": ["h1"], "disability": false,
     "disadvantaged": true, "mobile": null}
    {"type": "household", "id": "h1", "adult_count": 2}
    {"type": "concern", "id": "c1", "pupil_id": "p1", "occurred_at": "2025-01-10",
     "recorded_at": "2025-01-10T15:30:00+00:00", "author_id": "m1", "categories": ["hunger"]}
    {"type": "decision", "id": "d1", "pupil_id": "p1", "case_id": "k1", "kind": "monitor", ...}
    {"type": "action" | "attendance" | "roll" | "voice" | "cadence" | "household_factor", ...}
    {"type": "known_factor", "id": "f1", "pupil_id": "p1", "cin_code": "4B",
     "noted_at": "2025-01-10"}   (a factor known for one child's family, no household needed)
    A concern may carry `text`, `child_words`, `body_regions` and `themes`; a voice entry
    `words` and `themes`. A concern or a decision may carry `transferred_from` (the school
    whose child protection file it came in; `recorded_at` is then when this school received
    it): a transferred decision is the child's history, as `transfer.facts` gives it.
    {"type": "attendance_days", "pupil_id": "p1", "from": "2025-01-06", "to": "2025-01-31",
     "unauthorised": 2, "unexplained": 2}   (the same marks on each weekday)

Casework (issue 17; the values are the casework models' choice values):

    {"type": "contact", "id": "a1", "pupil_id": "p1", "agency": "social_care",
     "purpose": "referral", "contacted_on": "2025-01-12", "referral_decision_id": "d1",
     "responses": [{"id": "r1", "kind": "nfa", "received_on": "2025-01-20",
                    "school_agrees": false}]}
    {"type": "plan", "id": "pl1", "pupil_id": "p1", "kind": "cp", "cp_category": "NEG",
     "started_on": "2021-03-01", "ended_on": "2022-01-10", "end_reason": "stepped_down"}
    {"type": "meeting", "id": "m1", "pupil_id": "p1", "kind": "strategy", "held_on": "..."}
    {"type": "escalation_stage", "id": "e1", "pupil_id": "p1", "escalation_id": "x1",
     "position": 1, "name": "Practitioner", "started_on": "...", "due_on": "...",
     "outcome": null, "decided_on": null}
    {"type": "leaving", "id": "l1", "pupil_id": "p1", "school_id": "s1", "left_on": "...",
     "reason": "ehe", "open_concerns": 1}
    {"type": "agreed_absence", "id": "aa1", "pupil_id": "p1", "starts_on": "...",
     "expected_back_on": "...", "returned_on": null}
    {"type": "household_child", "id": "hc1", "pupil_id": "p1", "date_of_birth": "...",
     "setting_kind": "none", "last_seen_on": null}
    {"type": "engagement", "id": "g1", "pupil_id": "p1", "kind": "missed",
     "occurred_on": "...", "appointment_kind": "health"}   (an explanation: "explained_event",
     "checked")
    {"type": "note", "id": "n1", "pupil_id": "p1", "tone": "good", "noted_on": "..."}

A date alone means 09:00 at the school (Europe/London); a datetime without an offset is read as
school time. `recorded_at` defaults to when the thing happened. A concern's `indicators` are its
`categories` mapped through `patterns/data/indicators.json`, plus any listed. A household factor
may give a CIN `cin_code` (mapped) or an `indicator`. Anything malformed raises `FactFileError`
naming the line and the field; nothing is half-loaded.

The database loader (selectors over the pupils, concerns, attendance and voice apps) is
`patterns.db_loader.DatabaseFacts`; it provides the same `FactSource`. It lives in its own module
so that this one, and `make evaluate`, need no Django.

The loader is a package, one module per step: `reader` (typed access to one JSON object, and
`FactFileError`), `pupil_records` (the child's own facts), `casework_records` (the casework
facts) and `store` (`FactStore` and the two ways to fill it). Everything is imported from
`patterns.loaders`, as before the split.
"""

from patterns.loaders.reader import DATE_ONLY_TIME, FactFileError
from patterns.loaders.store import FactStore, store_from_items, store_from_jsonl

__all__ = ["DATE_ONLY_TIME", "FactFileError", "FactStore", "store_from_items", "store_from_jsonl"]
