"""The child's identity, rolls and households, as facts for the pattern detectors (ADR 17).

The pattern engine's loader (`patterns.db_loader`) starts from these: which children are on a
roll, each child's identity with the school whose DSL a finding prompts, their periods on a roll,
and the households they live in as the cut saw them. The other record apps add their records
(`settings.PATTERN_FACT_SOURCES`). Only reads; a fixed number of queries whatever the number of
children.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db.models import Q

from pupils.models import Enrolment, HouseholdMember, Pupil, Relationship
from sources.facts import FactWindow, LeavingReason, PupilFacts, RollFact, at_nine

_LEAVING = {reason.value: reason for reason in LeavingReason}


def pupils_on_roll(*, window: FactWindow, school_ids: Collection[str] | None) -> list[str]:
    """Every child on a roll (of `school_ids`; None: any school) over the window, as ids."""
    rolls = Enrolment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=window.start), start_date__lte=window.as_of
    )
    if school_ids is not None:
        rolls = rolls.filter(school_id__in=list(school_ids))
    return sorted({str(p) for p in rolls.values_list("pupil_id", flat=True)})


def pupil_facts(*, pupil_ids: Collection[str], window: FactWindow) -> dict[str, PupilFacts]:
    """Each child's identity, school, trust and periods on a roll; no records yet. A child never
    on a roll is left out: there is no school's DSL to prompt."""
    pupils = {
        str(p["id"]): p
        for p in Pupil.objects.filter(pk__in=list(pupil_ids)).values(
            "id", "upn", "date_of_birth", "disability", "disadvantaged", "free_school_meals"
        )
    }
    enrolments = list(
        Enrolment.objects.filter(pupil_id__in=list(pupils))
        .order_by("start_date", "id")
        .values(
            "id",
            "pupil_id",
            "school_id",
            "school__trust_id",
            "start_date",
            "end_date",
            "end_reason",
        )
    )
    roll = _roll(enrolments)
    school_of, trust_of = _schools(enrolments, window.as_of)
    return {
        pid: PupilFacts(
            pupil_id=pid,
            upn=row["upn"],
            school_id=school_of[pid],
            trust_id=trust_of.get(pid),
            date_of_birth=row["date_of_birth"],
            disability=row["disability"],
            disadvantaged=row["disadvantaged"],
            free_school_meals=row["free_school_meals"],
            roll=tuple(roll[pid]),
        )
        for pid, row in pupils.items()
        if pid in school_of
    }


def _roll(enrolments: Sequence[Mapping[str, Any]]) -> dict[str, list[RollFact]]:
    """Periods on a roll. An enrolment has no written-at for its ending: the end date is taken as
    when it was written (as the JSON loader does)."""
    roll: dict[str, list[RollFact]] = defaultdict(list)
    for e in enrolments:
        end = e["end_date"]
        roll[str(e["pupil_id"])].append(
            RollFact(
                id=str(e["id"]),
                pupil_id=str(e["pupil_id"]),
                school_id=str(e["school_id"]),
                start_date=e["start_date"],
                recorded_at=at_nine(end or e["start_date"]),
                end_date=end,
                end_reason=_LEAVING.get(e["end_reason"], LeavingReason.OTHER) if end else None,
            )
        )
    return roll


def _schools(
    enrolments: Sequence[Mapping[str, Any]], as_of: date
) -> tuple[dict[str, str], dict[str, str]]:
    """The school whose DSL is prompted: the roll the child is on at the as-of date, else the one
    they were last on (a child who left while records were open)."""
    school_of: dict[str, str] = {}
    trust_of: dict[str, str] = {}
    ranked = sorted(
        (e for e in enrolments if e["start_date"] <= as_of),
        key=lambda e: (
            e["end_date"] is None or e["end_date"] >= as_of,
            e["end_date"] or date.max,
            e["start_date"],
        ),
    )
    for e in ranked:  # the best last
        pid = str(e["pupil_id"])
        school_of[pid] = str(e["school_id"])
        if e["school__trust_id"] is not None:
            trust_of[pid] = str(e["school__trust_id"])
        else:
            trust_of.pop(pid, None)
    return school_of, trust_of


def household_memberships(*, window: FactWindow, **lookup: Any) -> list[tuple[str, str]]:
    """(household id, pupil id) of the memberships in force and written by the cut, filtered by
    `lookup` (e.g. `pupil_id__in=...`, `household_id__in=...`)."""
    rows = HouseholdMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=window.as_of),
        joined_on__lte=window.as_of,
        recorded_at__lt=window.end,
        **lookup,
    ).values_list("household_id", "pupil_id")
    return [(str(h), str(p)) for h, p in rows]


def household_member_pupils(household_ids: Iterable[str]) -> Any:
    """A subquery of every child ever a member of these households (their other memberships
    are read with `household_memberships(pupil_id__in=...)` in the same query)."""
    return HouseholdMember.objects.filter(household_id__in=list(household_ids)).values("pupil_id")


def adult_counts(*, members: Mapping[str, set[str]], window: FactWindow) -> dict[str, int]:
    """Distinct adults living with any child of each household (by name: each school's import has
    its own Person rows, ADR 0009 consequence 1)."""
    household_of: dict[str, list[str]] = defaultdict(list)
    for household_id, pupils in members.items():
        for pupil_id in pupils:
            household_of[pupil_id].append(household_id)
    rows = Relationship.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=window.as_of),
        Q(valid_to__isnull=True) | Q(valid_to__gte=window.as_of),
        pupil_id__in=list(household_of),
        lives_with_pupil=True,
        person__is_adult=True,
        recorded_at__lt=window.end,
    ).values_list("pupil_id", "person__forename", "person__surname")
    names: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for child, forename, surname in rows:
        for household_id in household_of[str(child)]:
            names[household_id].add((forename.strip().lower(), surname.strip().lower()))
    return {household_id: len(found) for household_id, found in names.items()}
