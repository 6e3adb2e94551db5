"""Findings on the child's chronology, and counts for aggregates."""

from datetime import date

from chronology.entries import Window, chronology_sources
from patterns.chronology import finding_entries
from patterns.models import FindingSeverity
from patterns.tests.factories import FindingDecisionFactory, FindingFactory


def test_findings_are_a_chronology_source(dsl, other_school_dsl, school, pupil):
    assert finding_entries in chronology_sources()
    finding = FindingFactory(school=school, pupil=pupil)
    FindingFactory(school=school, pupil=pupil, detector="retired", severity=FindingSeverity.REVIEW)
    entries = list(finding_entries(viewer=dsl, pupil_ids=[pupil.pk], window=Window()))
    assert [e.title[:28] for e in entries] == ["Several small signs of negle", "retired"]
    first = entries[0]
    assert (first.kind, first.source_id, first.pupil_id) == ("finding", str(finding.pk), pupil.pk)
    assert first.url == f"/findings/{finding.pk}/"
    assert not first.significant
    assert entries[1].significant
    assert (
        list(finding_entries(viewer=other_school_dsl, pupil_ids=[pupil.pk], window=Window())) == []
    )
    inside = Window(start=date(2025, 2, 1), end=date(2025, 2, 28))
    assert len(list(finding_entries(viewer=dsl, pupil_ids=[pupil.pk], window=inside))) == 2
    before = Window(end=date(2025, 1, 31))
    after = Window(start=date(2025, 3, 1))
    for window in (before, after):
        assert list(finding_entries(viewer=dsl, pupil_ids=[pupil.pk], window=window)) == []


def test_the_findings_panel_for_a_childs_page(dsl, teacher, school, pupil):
    from django.template.loader import render_to_string

    from patterns.selectors import findings_for_pupil

    FindingFactory(school=school, pupil=pupil)
    FindingFactory(
        school=school, pupil=pupil, detector="injuries", severity=FindingSeverity.REVIEW_NOW
    )
    FindingFactory(school=school, pupil=pupil, detector="retired")
    undecided = FindingFactory(school=school, pupil=pupil, detector="trio", stale=True)
    decided = FindingFactory(school=school, pupil=pupil, detector="start-again", stale=True)
    FindingDecisionFactory(finding=decided)
    rows = findings_for_pupil(viewer=dsl, pupil_id=pupil.pk)
    assert rows[0]["finding"].detector == "injuries"
    # Aged out before anyone decided: still listed. Decided and aged out: gone from the panel.
    assert {r["finding"].pk for r in rows} >= {undecided.pk}
    assert decided.pk not in {r["finding"].pk for r in rows}
    assert len(rows) == 4
    assert findings_for_pupil(viewer=teacher, pupil_id=pupil.pk) == []
    html = render_to_string("patterns/_pupil_panel.html", {"finding_rows": rows})
    assert "Review today" in html
    assert "3 records, first raised 3 Feb 2025" in html
    assert "No longer current, not decided" in html
    assert "No findings about this child." in render_to_string(
        "patterns/_pupil_panel.html", {"finding_rows": []}
    )
