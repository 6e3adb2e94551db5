"""The detectors' settings as each school has them: `configs_for_schools` reads them once for a
run, `school_configs` for one school when an incremental run first needs it, and
`attendance_thresholds` gives the attendance pages the same values the detector uses.
`_is_uuid` tells a database id from a fact file's own ids.
"""

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any
from uuid import UUID

from patterns.engine import ConfigFor
from patterns.models import DetectorSettings
from patterns.registry import all_detectors, get_detector


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def configs_for_schools(school_ids: Collection[str]) -> ConfigFor:
    """Each school's detector settings (defaults with the school's changes; None where a school
    turned a detector off), read once for the run."""
    rows: dict[str, dict[str, DetectorSettings]] = {}
    # Facts from a file may name schools that are not in the database: they have no settings.
    known = [sid for sid in school_ids if _is_uuid(sid)]
    for row in DetectorSettings.objects.filter(school_id__in=known):
        rows.setdefault(str(row.school_id), {})[row.detector] = row
    detectors = all_detectors()

    def configs(school_id: str) -> Mapping[str, Any | None]:
        own = rows.get(school_id, {})
        result: dict[str, Any | None] = {}
        for entry in detectors:
            row = own.get(entry.slug)
            if row is None:
                result[entry.slug] = entry.defaults()
            elif row.enabled:
                result[entry.slug] = entry.configure(row.values)
            else:
                result[entry.slug] = None
        return result

    return configs


def school_configs(school_id: str) -> Mapping[str, Any | None]:
    """One school's detector settings, read when the engine first needs them (incremental runs,
    where the schools involved are not known in advance)."""
    return configs_for_schools([school_id])(school_id)


def attendance_thresholds(school_id: Any) -> dict[str, Any] | None:
    """The attendance-patterns detector's settings for a school, for the attendance pages
    (`settings.CAIRN_ATTENDANCE_PATTERN_SETTINGS`): the same values the detector uses, so the
    pages and the findings agree. Its defaults for no school; None where the school turned it
    off."""
    entry = get_detector("attendance-patterns")
    config = entry.defaults() if school_id is None else school_configs(str(school_id))[entry.slug]
    return None if config is None else dataclasses.asdict(config)
