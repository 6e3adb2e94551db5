"""The one gate every child-level read passes (ADR 14; issue 14, defects 1, 6 and 7).

Three checks that enumerate rather than sample, so that a new view or access function cannot
arrive without passing the gate:

- every `access_*` function in every app's `access.py` says whether it yields child-level
  records (and then passes what it found through `pupils.access.child_read`) or why not;
- every URL pattern, asked for by a trust lead whose trust allows child-level access but who
  has given no reason, shows nothing of the test world's child; given reasons, exactly the
  child-level patterns show the child, and every audit event they write carries the reason;
- every response to a signed-in person is uncacheable, and every page that shows the world's
  child to anyone writes an audit event.
"""

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.http import Http404
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from conftest import signed_in_client, with_access_reason
from pupils.access import child_level, child_read, children_within_reach
from pupils.models import Pupil
from schools.reasons import (
    CHILD_LEVEL,
    GATE_ATTRIBUTE,
    AccessReasonRequiredError,
    list_reason,
    remember_reason,
)
from tests.access_table import PERSONAS, SIGNED_IN, TRUST_LEAD_STATES, Case
from tests.pdf import pdf_text
from tests.test_url_access import ALL_NAMES, TABLE

REASON = "The school asked the trust for advice about this family."
LIST_REASON = "A school asked for advice about a family at two of our schools."

# What a page or download that shows the world's child would contain: the child's surname, the
# concern's words and the attachment's contents (conftest `pupil`, concerns/tests/url_access.py),
# and the child's UPN (`_markers`).
MARKERS = ("Testchild", "No coat in the rain again", "A note from the child")


def _markers(world) -> tuple[str, ...]:
    return (*MARKERS, world.pupil.upn)


# The patterns at which a trust lead, having said why, reads the world's child.
TRUST_LEAD_CHILD_LEVEL = {
    "pupils:search",
    "pupils:detail",
    "pupils:household",
    "pupils:access_reason",
    "chronology:pupil",
    "chronology:export",
    "chronology:household",
    "chronology:household_export",
    "concerns:detail",
    "concerns:attachment",
    "factors:pupil",
    "attendance:pupil",
    "casework:pupil",
}
# The page that asks a trust lead why names whose record they are about to open.
NAMES_THE_CHILD_BEFORE_A_REASON = {"pupils:access_reason"}


def _access_functions() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for app in settings.LOCAL_APPS:
        try:
            module = importlib.import_module(f"{app}.access")
        except ModuleNotFoundError:
            continue
        for name, member in vars(module).items():
            if not name.startswith("access_") or not inspect.isfunction(member):
                continue
            if member.__module__ != module.__name__:
                continue  # imported from another app's access module; checked there
            found.append((f"{module.__name__}.{name}", member))
    return found


def test_every_access_function_says_whether_it_is_child_level():
    functions = _access_functions()
    undeclared = [name for name, fn in functions if not getattr(fn, GATE_ATTRIBUTE, "")]
    assert not undeclared, (
        f"Access functions that neither pass the gate nor say why not: {undeclared}. Wrap each "
        "in pupils.access.child_level(...) or schools.reasons.not_child_level('why')."
    )
    gated = [name for name, fn in functions if getattr(fn, GATE_ATTRIBUTE) == CHILD_LEVEL]
    assert "pupils.access.access_pupil" in gated
    assert "concerns.access.access_attachment" in gated
    assert "pupils.access.access_household" in gated
    assert len(gated) >= 20, gated
    for name, fn in functions:
        why = getattr(fn, GATE_ATTRIBUTE)
        if why != CHILD_LEVEL:
            assert len(why.split()) >= 5, f"{name} says too little about why it is not gated"


# --- Defect 1: the trust lead's reason on every child-level route -------------------------------


@pytest.fixture
def lead(trust_lead):
    """A trust lead whose trust lets them open child-level records, once they say why."""
    trust_lead.trust.trust_lead_child_access = True
    trust_lead.trust.save()
    return trust_lead


def _asked_why(response, pupil) -> bool:
    ask = reverse("pupils:access_reason", args=[pupil.pk])
    return response.status_code == 302 and response["Location"].startswith(ask + "?next=")


def _reads(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_trust_lead_household_chronology_requires_reason(client_for, lead, pupil):
    client = client_for(lead)
    url = reverse("chronology:household")
    response = client.get(url, {"pupil": [str(pupil.pk)]})
    assert _asked_why(response, pupil)
    assert not _reads(AuditAction.CHRONOLOGY_VIEWED)
    with_access_reason(client, pupil, reason=REASON)
    response = client.get(url, {"pupil": [str(pupil.pk)]})
    assert response.status_code == 200
    assert "Testchild" in response.content.decode()
    [read] = _reads(AuditAction.CHRONOLOGY_VIEWED)
    assert (read.pupil_id, read.reason) == (pupil.pk, REASON)


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_trust_lead_household_chronology_export_requires_reason(client_for, lead, pupil, fmt):
    client = client_for(lead)
    url = reverse("chronology:household_export", kwargs={"fmt": fmt})
    response = client.get(url, {"pupil": [str(pupil.pk)]})
    assert _asked_why(response, pupil)
    assert "Content-Disposition" not in response
    assert not _reads(AuditAction.CHRONOLOGY_EXPORTED)
    with_access_reason(client, pupil, reason=REASON)
    response = client.get(url, {"pupil": [str(pupil.pk)]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    [export] = _reads(AuditAction.CHRONOLOGY_EXPORTED)
    assert (export.pupil_id, export.reason) == (pupil.pk, REASON)


def test_trust_lead_household_chronology_asks_for_each_child(client_for, lead, pupil, school):
    """A reason for one child does not open a household chronology showing another."""
    from pupils.tests.factories import EnrolmentFactory, PupilFactory

    brother = PupilFactory(legal_forename="Ben", legal_surname="Testchild")
    EnrolmentFactory(pupil=brother, school=school)
    client = with_access_reason(client_for(lead), pupil, reason=REASON)
    query = {"pupil": [str(pupil.pk), str(brother.pk)]}
    response = client.get(reverse("chronology:household"), query)
    assert _asked_why(response, brother)
    with_access_reason(client, brother, reason="Her brother's school asked for advice too.")
    assert client.get(reverse("chronology:household"), query).status_code == 200
    reasons = {e.pupil_id: e.reason for e in _reads(AuditAction.CHRONOLOGY_VIEWED)}
    assert reasons == {pupil.pk: REASON, brother.pk: "Her brother's school asked for advice too."}


def test_trust_lead_concern_attachment_requires_reason(client_for, lead, pupil, world):
    from concerns.tests.url_access import _records

    attachment = _records(world).attachment
    client = client_for(lead)
    url = reverse("concerns:attachment", args=[attachment.pk])
    response = client.get(url)
    assert _asked_why(response, pupil)
    assert b"A note from the child" not in response.content
    assert not _reads(AuditAction.ATTACHMENT_DOWNLOADED)
    response = with_access_reason(client, pupil, reason=REASON).get(url)
    assert response.status_code == 200
    assert response.content == b"A note from the child."
    [download] = _reads(AuditAction.ATTACHMENT_DOWNLOADED)
    assert download.reason == REASON


def test_trust_lead_household_page_requires_reason(client_for, lead, pupil, world):
    from pupils.tests.url_access import _household

    url = reverse("pupils:household", kwargs=_household(world))
    client = client_for(lead)
    response = client.get(url)
    assert _asked_why(response, pupil)
    assert not _reads(AuditAction.HOUSEHOLD_VIEWED)
    response = with_access_reason(client, pupil, reason=REASON).get(url)
    assert response.status_code == 200
    [read] = _reads(AuditAction.HOUSEHOLD_VIEWED)
    assert (read.pupil_id, read.reason) == (pupil.pk, REASON)


def test_trust_lead_pupil_search_asks_why_before_listing(client_for, lead, pupil):
    client = client_for(lead)
    url = reverse("pupils:search")
    response = client.get(url, {"q": "Testchild"})
    ask = reverse("pupils:list_reason")
    assert response.status_code == 302
    assert response["Location"] == f"{ask}?next=%2Fpupils%2F%3Fq%3DTestchild"
    assert b"Testchild" not in response.content
    assert not _reads(AuditAction.CHILDREN_LISTED)

    page = client.get(response["Location"])
    assert "Say why you are looking for children" in page.content.decode()
    refused = client.post(ask, {"reason": "nosy", "next": "/pupils/?q=Testchild"})
    assert refused.status_code == 200
    assert "at least 10 characters" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_REASON_GIVEN).exists()

    done = client.post(ask, {"reason": LIST_REASON, "next": "/pupils/?q=Testchild"})
    assert done["Location"] == "/pupils/?q=Testchild"
    given = AuditEvent.objects.get(action=AuditAction.ACCESS_REASON_GIVEN)
    assert (given.reason, given.details) == (LIST_REASON, {"for": "finding children"})
    found = client.get(url, {"q": "Testchild"})
    assert found.status_code == 200
    assert "Testchild" in found.content.decode()
    [listed] = _reads(AuditAction.CHILDREN_LISTED)
    assert listed.reason == LIST_REASON
    assert listed.details == {
        "list": "pupil search",
        "count": 1,
        "query": "Testchild",
        "year": "",
        "status": "on_roll",
    }
    # Opening the child found still asks why, for that child.
    assert _asked_why(client.get(reverse("pupils:detail", args=[pupil.pk])), pupil)


def test_list_reason_page_refuses_a_next_address_elsewhere(client_for, lead):
    done = client_for(lead).post(
        reverse("pupils:list_reason"),
        {"reason": LIST_REASON, "next": "https://evil.example/"},
    )
    assert done["Location"] == reverse("pupils:search")


# --- Every URL pattern, for the trust lead with child access on ---------------------------------


def _shown(response) -> str:
    """Everything a person could read in a response: its text, or a PDF's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF"):
        return pdf_text(content)
    return content.decode("utf-8", errors="replace")


def _get(client: Client, name: str, world) -> Any:
    """The response to the table's request for `name`, and the audit events it wrote. The world's
    concern (and so a chronology entry) exists first, whichever pattern is asked for."""
    from concerns.tests.url_access import _records

    _records(world)
    case = TABLE[name]
    url = reverse(name, kwargs=case.kwargs(world))
    data = case.data(world)
    before = AuditEvent.objects.count()
    response = getattr(client, case.method)(url, data=data)
    return response, AuditEvent.objects.order_by("seq")[before:]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_no_pattern_shows_a_child_to_a_trust_lead_without_a_reason(name, lead, world):
    response, _events = _get(signed_in_client(lead), name, world)
    shown = _shown(response)
    seen = [m for m in _markers(world) if m in shown]
    if name in NAMES_THE_CHILD_BEFORE_A_REASON:
        assert seen == ["Testchild"]
        return
    assert not seen, f"{name} showed {seen} to a trust lead who gave no reason"
    assert response.status_code in {200, 302, 403, 404, 405}, response.status_code
    if response.status_code == 302:
        assert not response["Location"].startswith("http"), response["Location"]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_trust_lead_with_a_reason_reads_exactly_the_child_level_patterns(name, lead, world):
    client = with_access_reason(signed_in_client(lead), world.pupil, reason=REASON)
    session = client.session
    remember_reason(session, pupil_id=None, reason=LIST_REASON)
    session.save()
    response, events = _get(client, name, world)
    shown = _shown(response)
    shows_child = any(m in shown for m in _markers(world))
    assert shows_child == (name in TRUST_LEAD_CHILD_LEVEL), (
        f"{name}: {response.status_code}, shows the child: {shows_child}"
    )
    if not shows_child:
        return
    assert response.status_code == 200
    for event in events:
        if event.pupil_id == world.pupil.pk:
            assert event.reason == REASON, f"{name} audited {event.action} without the reason"
        elif event.action == AuditAction.CHILDREN_LISTED:
            assert event.reason == LIST_REASON
    if name != "pupils:access_reason":
        assert events, f"{name} showed the child and audited nothing"


# --- Defects 6 and 7: no copy kept; every page that shows a child is audited --------------------


def _persona_for(case: Case) -> str:
    return next((p for p in SIGNED_IN if case.expect[p] == 200), "dsl")


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_signed_in_page_forbids_caching(name, request, world):
    persona = _persona_for(TABLE[name])
    response, _events = _get(signed_in_client(request.getfixturevalue(persona)), name, world)
    assert "no-store" in response["Cache-Control"], f"{name} for {persona}"
    assert response["Pragma"] == "no-cache"


def test_signed_out_pages_are_not_marked_for_children(client):
    """The sign-in page shows no child; the header is for signed-in people's pages."""
    response = client.get(reverse("accounts:sign_in"))
    assert response.status_code == 200
    assert response.get("Pragma") is None


# Each pattern with each signed-in persona it admits (the trust lead is checked above).
_ADMITTED = [
    (name, persona)
    for name in ALL_NAMES
    for persona in PERSONAS
    if persona not in {"anonymous", "trust_lead", *TRUST_LEAD_STATES}
    and TABLE[name].expect[persona] == 200
]


@pytest.mark.parametrize(("name", "persona"), _ADMITTED)
def test_every_page_that_shows_a_child_is_audited(name, persona, request, world):
    response, events = _get(signed_in_client(request.getfixturevalue(persona)), name, world)
    if not any(m in _shown(response) for m in _markers(world)):
        return
    assert events, f"{name} showed the world's child to {persona} and audited nothing"


# The lists issue 14 (defect 7) names, each read by the DSL: one event per page view, naming the
# list and how many it showed, and holding no child's details.
LISTS = {
    "pupils:search": ("pupil search", {"q": "Testchild"}),
    "patterns:inbox": ("findings", {}),
    "concerns:inbox": ("concerns inbox", {}),
    "concerns:actions": ("open actions", {}),
    "voice:school_check_ins": ("the school's check-ins", {}),
    "pupils:suggestions": ("household links to confirm", {}),
    "voice:record_choose": ("children to record a voice entry for", {"q": "Testchild"}),
    "concerns:record": ("children on roll (concern form)", {}),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_child_level_list_page_view_is_audited(name, client_for, dsl, world):
    from concerns.tests.url_access import _records

    _records(world)
    listed, query = LISTS[name]
    client = client_for(dsl)
    for _ in range(2):
        assert client.get(reverse(name), query).status_code == 200
    events = _reads(AuditAction.CHILDREN_LISTED)
    assert len(events) == 2
    for event in events:
        assert event.details["list"] == listed
        assert isinstance(event.details["count"], int)
        assert event.pupil_id is None
        assert "Ava" not in str(event.details)


def test_pupil_search_audit_names_the_query_and_count(client_for, dsl, pupil):
    client_for(dsl).get(reverse("pupils:search"), {"q": "Testchild", "year": "3"})
    [event] = _reads(AuditAction.CHILDREN_LISTED)
    assert event.details["query"] == "Testchild"
    assert event.details["year"] == "3"
    assert event.details["count"] == 0  # the world's child is not in year 3


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("concerns:behaviour_add", "record a behaviour incident"),
        ("voice:record", "record the child's voice"),
    ],
)
def test_record_form_view_is_audited_for_the_child(name, form, client_for, dsl, pupil):
    response = client_for(dsl).get(reverse(name, args=[pupil.pk]))
    assert response.status_code == 200
    [event] = _reads(AuditAction.RECORD_FORM_OPENED)
    assert (event.pupil_id, event.details) == (pupil.pk, {"form": form})


# --- The gate itself ----------------------------------------------------------------------------


def test_gate_refuses_a_child_outside_the_viewers_reach_whatever_the_access_rule(
    other_school_dsl, governor, pupil
):
    """A second line: an access function whose own rule is wrong still cannot hand another
    school's child, or any child to a governor, past the gate."""

    @child_level(lambda found: [found.pk])
    def access_too_generous(*, viewer, pupil_id):
        return Pupil.objects.get(pk=pupil_id)

    for viewer in (other_school_dsl, governor):
        with pytest.raises(Http404):
            access_too_generous(viewer=viewer, pupil_id=pupil.pk)


def test_gate_lets_school_roles_through_without_a_reason(dsl, attendance_lead, pupil):
    """No role at the school is asked why; the gate passes what is within their reach."""
    for viewer in (dsl, attendance_lead):
        assert pupil in children_within_reach(viewer=viewer)
        child_read(viewer=viewer, pupil_ids=[pupil.pk])  # raises nothing
        child_read(viewer=viewer, pupil_ids=[])  # a household finding with no member on record


def test_gate_asks_a_trust_lead_for_each_child_and_refuses_one_naming_no_child(lead, pupil):
    with pytest.raises(AccessReasonRequiredError) as asked:
        child_read(viewer=lead, pupil_ids=[pupil.pk])
    assert asked.value.pupil_id == pupil.pk
    lead.access_reasons = {str(pupil.pk): REASON}
    child_read(viewer=lead, pupil_ids=[pupil.pk])
    with pytest.raises(Http404):
        child_read(viewer=lead, pupil_ids=[])


def test_trust_lead_whose_trust_does_not_allow_child_access_is_never_asked(trust_lead, pupil):
    assert list_reason(viewer=trust_lead) == ""
    with pytest.raises(Http404):
        child_read(viewer=trust_lead, pupil_ids=[pupil.pk])


def test_trust_lead_partial_search_without_a_reason_is_sent_to_the_asking_page(client_for, lead):
    response = client_for(lead).get(
        reverse("pupils:search"), {"q": "Testchild"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("pupils:list_reason") + "?next=")
    assert response.content == b""


def test_gate_reach_is_empty_for_a_school_role_with_no_school(pupil):
    from schools.models import Membership, Role

    nowhere = Membership(role=Role.STAFF, school=None)
    assert not children_within_reach(viewer=nowhere).exists()


def test_access_pupils_refuses_when_none_of_the_children_may_be_read(other_school_dsl, pupil):
    from pupils.access import access_pupils

    with pytest.raises(Http404):
        access_pupils(viewer=other_school_dsl, pupil_ids=[pupil.pk])


def test_household_finding_passes_the_gate_with_its_households_children(dsl, school, pupil):
    from patterns.access import access_finding
    from patterns.tests.factories import FindingFactory
    from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory

    home = HouseholdMemberFactory(
        household=HouseholdFactory(trust=school.trust), pupil=pupil
    ).household
    finding = FindingFactory(
        school=school, pupil=None, subject_kind="household", household_id=str(home.pk)
    )
    assert access_finding(viewer=dsl, finding_id=finding.pk).pk == finding.pk
    # A household none of whose children the school holds is not its to read, whatever the
    # finding's school says.
    elsewhere = HouseholdMemberFactory(household=HouseholdFactory()).household
    stray = FindingFactory(
        school=school, pupil=None, subject_kind="household", household_id=str(elsewhere.pk)
    )
    with pytest.raises(Http404):
        access_finding(viewer=dsl, finding_id=stray.pk)
