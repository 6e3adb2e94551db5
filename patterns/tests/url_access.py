from django.utils import timezone

from patterns.tests.factories import finding_for
from tests.access_table import Case, allow, world_object

# Findings are about children: the school's DSL team and headteacher read them, at their own
# school only. Another school's DSL sees their own (empty) inbox and gets 404 for this finding.
CASES = {
    "patterns:inbox": Case(allow("dsl", "deputy_dsl", "headteacher", "other_school_dsl")),
    "patterns:detail": Case(
        allow("dsl", "deputy_dsl", "headteacher", other_school_dsl=404),
        kwargs=lambda w: {"finding_id": world_object(w, "finding", finding_for).pk},
        post=lambda w: {"outcome": "acted_on", "action_taken": "Posted by the access table."},
        # The headteacher reads findings; only the safeguarding team decides them.
        post_overrides={"headteacher": 403},
    ),
    # A professional challenge opened from a finding: the safeguarding team only (issue 17).
    "patterns:escalate": Case(
        allow("dsl", "deputy_dsl", other_school_dsl=404),
        kwargs=lambda w: {"finding_id": world_object(w, "finding", finding_for).pk},
        post=lambda w: {
            "opened_on_day": str(timezone.localdate().day),
            "opened_on_month": str(timezone.localdate().month),
            "opened_on_year": str(timezone.localdate().year),
            "reason": "Posted by the access table.",
        },
    ),
    # A child's findings, now or as they stood on a date: read like the child's record.
    "patterns:pupil": Case(
        allow("dsl", "deputy_dsl", "headteacher", other_school_dsl=404),
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
    ),
    # Thresholds are the DSL's to set, for their own school (neglect-indicators.md §5 rule 1).
    "patterns:settings": Case(allow("dsl", "deputy_dsl", "other_school_dsl")),
    "patterns:settings_edit": Case(
        allow("dsl", "deputy_dsl", "other_school_dsl"), kwargs=lambda w: {"slug": "trio"}
    ),
}
