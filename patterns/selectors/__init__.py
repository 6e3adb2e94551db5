"""Reading findings and settings, one module per part:

- `configs`: each school's detector settings (`configs_for_schools`, `school_configs`,
  `attendance_thresholds`);
- `findings`: the findings waiting for the DSL, the child's findings, the decisions made
  before, the findings as they stood on a day and what the records showed by then;
- `evidence`: a finding's evidence rows for its page, and the child's words it matched;
- `households`: findings about the households a child lives in, named by their children.

Everything public is imported from `patterns.selectors`, as before the split; the setting
CAIRN_ATTENDANCE_PATTERN_SETTINGS names `patterns.selectors.attendance_thresholds` through these
re-exports.
"""

from patterns.selectors.configs import attendance_thresholds, configs_for_schools, school_configs
from patterns.selectors.evidence import (
    EVIDENCE_LABELS,
    EXCERPT_LENGTH,
    EvidenceSource,
    EvidenceView,
    evidence_rows,
    evidence_sources,
    words_marked,
)
from patterns.selectors.findings import (
    earlier_decisions,
    finding_children_on_roll,
    findings_as_they_stood,
    findings_for_pupil,
    findings_for_school,
    open_findings,
    raised_from_records_as_of,
)
from patterns.selectors.households import household_findings_for_pupil, household_labels

__all__ = [
    "EVIDENCE_LABELS",
    "EXCERPT_LENGTH",
    "EvidenceSource",
    "EvidenceView",
    "attendance_thresholds",
    "configs_for_schools",
    "earlier_decisions",
    "evidence_rows",
    "evidence_sources",
    "finding_children_on_roll",
    "findings_as_they_stood",
    "findings_for_pupil",
    "findings_for_school",
    "household_findings_for_pupil",
    "household_labels",
    "open_findings",
    "raised_from_records_as_of",
    "school_configs",
    "words_marked",
]
