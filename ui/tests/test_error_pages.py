"""Refused, missing and failed pages in the service's own layout, with a way back (issue 14, 9).

Before, a headteacher who followed a link to a page their role does not include got Django's
bare "403 Forbidden": no layout, no words they could act on, no way back.
"""

import uuid

from django.test import Client
from django.urls import reverse

from conftest import signed_in_client


def _page(response) -> str:
    return response.content.decode()


def test_refused_page_is_styled_with_a_way_back(headteacher):
    response = signed_in_client(headteacher).get(reverse("concerns:actions"))
    assert response.status_code == 403
    page = _page(response)
    assert '<h1 class="govuk-heading-l">You cannot open this page</h1>' in page
    assert "Headteacher" in page  # says which role they are acting in
    assert f'href="{reverse("schools:home")}"' in page
    assert "govuk-template__body" in page
    assert "no-store" in response["Cache-Control"]


def test_missing_page_is_styled_with_a_way_back(dsl):
    response = signed_in_client(dsl).get(reverse("pupils:detail", args=[uuid.uuid4()]))
    assert response.status_code == 404
    page = _page(response)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert f'href="{reverse("schools:home")}"' in page
    # The same words whether the record is absent or not the viewer's to open.
    assert "No such child" not in page


def test_missing_page_for_someone_signed_out_offers_sign_in(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert f'href="{reverse("accounts:sign_in")}"' in _page(response)


def test_server_error_page_is_styled_and_needs_no_database(monkeypatch):
    from ui import views

    def broken():
        raise RuntimeError("the database is down")

    monkeypatch.setattr(views.connection, "cursor", broken)
    response = Client(raise_request_exception=False).get(reverse("ui:health"))
    assert response.status_code == 500
    page = _page(response)
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with Cairn</h1>' in page
    assert "the database is down" not in page
    assert 'href="/"' in page


def test_headteacher_reads_the_concerns_inbox_without_the_triage_tools(headteacher, world):
    from concerns.tests.url_access import _records

    _records(world)
    response = signed_in_client(headteacher).get(reverse("concerns:inbox"))
    assert response.status_code == 200
    page = _page(response)
    assert reverse("concerns:search") in page
    assert reverse("concerns:actions") not in page
    assert reverse("concerns:encompass_add") not in page


def test_headteacher_searches_concerns(headteacher, world):
    from concerns.tests.url_access import _records

    concern = _records(world).concern
    response = signed_in_client(headteacher).get(reverse("concerns:search"), {"q": "coat"})
    assert response.status_code == 200
    assert reverse("concerns:detail", args=[concern.pk]) in _page(response)
