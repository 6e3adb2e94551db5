"""The child's voice and check-in cadences, as facts for the pattern detectors (ADR 17; listed in
`settings.PATTERN_FACT_SOURCES`).

A voice entry is heard when its first version says (what was known when the entry was written);
its words are those of its latest version written by the cut (`voice.selectors`' rule). Cadences
follow ADR 0005: each status at the child's school brings its school's default
(`VoiceSettings.cadence_for`), a status's end ends it, and a cadence the safeguarding team set by
hand applies from the day it was set.
"""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sources.facts import (
    SCHOOL_TZ,
    CadenceFact,
    FactParts,
    FactWindow,
    PupilFacts,
    VoiceFact,
)
from voice.models import (
    CheckInSchedule,
    SupportLevel,
    SupportStatus,
    VoiceEntryVersion,
    VoiceSettings,
)

# The fields of a voice entry that hold the child's own words (VoiceEntryVersion).
CHILD_WORDS = (
    "words",
    "typical_morning",
    "food",
    "sleep",
    "who_looks_after_me",
    "who_i_talk_to",
    "worries",
    "wishes",
)


def facts_for(*, pupils: Mapping[str, PupilFacts], window: FactWindow) -> dict[str, FactParts]:
    found: dict[str, FactParts] = defaultdict(FactParts)
    for pid, facts in _voice(list(pupils), window).items():
        found[pid].voice.extend(facts)
    school_of = {pid: p.school_id for pid, p in pupils.items()}
    for pid, cadences in _cadences(school_of, window).items():
        found[pid].cadences.extend(cadences)
    return found


def _voice(pupil_ids: list[str], window: FactWindow) -> dict[str, list[VoiceFact]]:
    voice: dict[str, list[VoiceFact]] = defaultdict(list)
    versions = VoiceEntryVersion.objects.filter(
        entry__pupil_id__in=pupil_ids,
        entry__created_at__lt=window.end,
        written_at__lt=window.end,
    ).order_by("entry_id", "number")
    first: dict[Any, Any] = {}
    latest: dict[Any, Any] = {}
    for row in versions.values(
        "entry_id", "entry__pupil_id", "occurred_at", "entry__created_at", "themes", *CHILD_WORDS
    ):
        first.setdefault(row["entry_id"], row)
        latest[row["entry_id"]] = row
    for entry_id, row in first.items():
        said = latest[entry_id]
        voice[str(row["entry__pupil_id"])].append(
            VoiceFact(
                id=str(entry_id),
                pupil_id=str(row["entry__pupil_id"]),
                heard_at=row["occurred_at"],
                recorded_at=row["entry__created_at"],
                words="\n".join(said[name] for name in CHILD_WORDS if said[name]),
                themes=frozenset(said["themes"] or ()),
            )
        )
    return voice


def _cadences(school_of: Mapping[str, str], window: FactWindow) -> dict[str, list[CadenceFact]]:
    cadences: dict[str, list[CadenceFact]] = defaultdict(list)
    schools = sorted(set(school_of.values()))
    statuses = list(
        SupportStatus.objects.filter(
            pupil_id__in=list(school_of), school_id__in=schools, recorded_at__lt=window.end
        ).values("id", "pupil_id", "school_id", "level", "starts_on", "ends_on", "recorded_at")
    )
    # Each school's cadences, read only when some child has a status.
    stored = (
        {str(s.school_id): s for s in VoiceSettings.objects.filter(school_id__in=schools)}
        if statuses
        else {}
    )
    for s in statuses:
        pid, school = str(s["pupil_id"]), str(s["school_id"])
        if school_of.get(pid) != school:
            continue
        # A school that never changed its cadences has the defaults (an unsaved row).
        voice_settings = stored.get(school) or VoiceSettings(school_id=UUID(school))
        level = SupportLevel(s["level"])
        cadences[pid].append(
            CadenceFact(
                id=str(s["id"]),
                pupil_id=pid,
                effective_from=s["starts_on"],
                recorded_at=s["recorded_at"],
                days=voice_settings.cadence_for(level),
                status=level.value,
            )
        )
        if s["ends_on"] is not None:
            cadences[pid].append(
                CadenceFact(
                    id=f"{s['id']}:ended",
                    pupil_id=pid,
                    effective_from=s["ends_on"],
                    recorded_at=s["recorded_at"],
                    days=None,
                    status=level.value,
                )
            )
    schedules = CheckInSchedule.objects.filter(
        pupil_id__in=list(school_of),
        school_id__in=schools,
        cadence_days__isnull=False,
        set_at__lt=window.end,
    ).values("id", "pupil_id", "school_id", "cadence_days", "set_at")
    for c in schedules:
        pid = str(c["pupil_id"])
        if school_of.get(pid) != str(c["school_id"]):
            continue
        cadences[pid].append(
            CadenceFact(
                id=str(c["id"]),
                pupil_id=pid,
                effective_from=c["set_at"].astimezone(SCHOOL_TZ).date(),
                recorded_at=c["set_at"],
                days=c["cadence_days"],
                status="set by the safeguarding team",
            )
        )
    return cadences
