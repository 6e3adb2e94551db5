"""The demo: after the other seeders the detectors run, so the demo DSL sees real findings."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from concerns.models import Concern
from patterns.models import Finding
from patterns.registry import all_detectors
from schools.models import Membership, Role


@pytest.mark.django_db(transaction=True)
def test_the_demo_dsl_sees_findings_resting_on_demo_records(client_for, capsys):
    call_command("seed_demo", "--force")
    assert "findings about" in capsys.readouterr().out
    findings = Finding.objects.filter(is_current=True)
    assert findings.count() > 20
    assert len(set(findings.values_list("detector", flat=True))) >= 5
    concern_ids = {str(pk) for pk in Concern.objects.values_list("pk", flat=True)}
    cited = {e["id"] for f in findings for e in f.evidence if e["kind"] == "concern"}
    assert cited
    assert cited <= concern_ids
    dsl = Membership.objects.filter(role=Role.DSL, school__isnull=False).first()
    assert dsl is not None
    inbox = client_for(dsl).get(reverse("patterns:inbox"))
    assert inbox.status_code == 200
    one = findings.filter(school=dsl.school).first()
    assert one is not None
    page = client_for(dsl).get(reverse("patterns:detail", args=[one.pk])).content.decode()
    rows = page[page.index("Records it rests on") : page.index("Why this is shown")]
    assert '<a class="govuk-link" href="/' in rows  # the evidence one click away


@pytest.mark.django_db(transaction=True)
def test_the_demo_shows_a_live_finding_from_every_detector(capsys):
    call_command("seed_demo", "--force")
    assert "14 children with slow-burn patterns" in capsys.readouterr().out
    live = set(
        Finding.objects.filter(is_current=True, stale=False).values_list("detector", flat=True)
    )
    assert {
        "cumulative-neglect",
        "persistent-neglect",
        "injury-pattern",
        "trio-child",
        "voice-absent",
        "voice-distress",
        "household-children",
        "referral-closed-again",
        "prior-history",
        "missing-education",
        "child-not-seen",
        "parent-non-engagement",
        "escalation-needed",
    } <= live
    # Every detector, not only the slow-burn ones, shows a live finding on the seeding day.
    assert {entry.slug for entry in all_detectors()} <= live
