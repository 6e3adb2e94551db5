"""The service navigation and home page show each role what it can use, and nothing it may not."""

import pytest
from django.urls import reverse

from schools.models import Role
from tests.access_table import PERSONAS, TRUST_LEAD_STATES


def _nav(response) -> dict[str, str]:
    return {item["label"]: item["url"] for item in response.context["nav_items"]}


def test_the_attendance_lead_is_shown_attendance_and_their_own_records(client_for, attendance_lead):
    response = client_for(attendance_lead).get(reverse("schools:home"))
    assert response.status_code == 200
    assert list(_nav(response)) == [
        "Home",
        "Record a concern",
        "Your concerns",
        "Attendance",
        "My check-ins",
        "Import registers",
        "Your account",
    ]
    assert _nav(response)["Attendance"] == reverse("attendance:cohort")
    body = response.content.decode()
    for name in (
        "attendance:cohort",
        "attendance:summary",
        "attendance:upload",
        "attendance:mappings",
        "concerns:record",
    ):
        assert f'href="{reverse(name)}"' in body, name
    assert "Every child's attendance you open is logged" in body
    assert f'href="{reverse("pupils:search")}"' not in body
    assert f'href="{reverse("concerns:inbox")}"' not in body


@pytest.mark.parametrize(
    "persona", [p for p in PERSONAS if p != "anonymous" and p not in TRUST_LEAD_STATES]
)
def test_every_navigation_entry_opens_for_its_role(request, client_for, persona):
    """Nothing in the navigation is a page the role is refused."""
    viewer = request.getfixturevalue(persona)
    client = client_for(viewer)
    home = client.get(reverse("schools:home"))
    assert home.status_code == 200
    for label, url in _nav(home).items():
        assert client.get(url).status_code == 200, f"{viewer.role}: {label} ({url})"


def test_only_the_longest_matching_entry_is_current(client_for, attendance_lead):
    response = client_for(attendance_lead).get(reverse("attendance:upload"))
    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Import registers"]
    on_a_list = client_for(attendance_lead).get(reverse("attendance:cohort"))
    assert [i["label"] for i in on_a_list.context["nav_items"] if i["current"]] == ["Attendance"]


def test_every_role_has_a_home_page():
    from schools.views import _HOME_TEMPLATES

    assert set(_HOME_TEMPLATES) == set(Role)
