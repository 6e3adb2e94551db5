"""A concern form posted after the idle sign-out is kept as its author's draft (ADR 21).

Without JavaScript nothing saves the form while it is typed, so a member of staff who takes longer
than the idle limit over a concern would lose it on pressing the button. The accounts app asks
(`accounts.signals.posted_after_idle`) before it signs them out; this answers for the concern
form and its "Save draft" button: what was typed is kept as the draft exactly as that button
keeps it (the same checks: a child off the author's roll is never kept; files are not kept), and
signing in again leads back to the form with it filled in. The concern itself is not recorded:
the person reads it again and submits it while signed in.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse

from accounts.signals import KeptAtSignOut
from concerns.forms import concern_form_for, draft_from
from concerns.services import draft_save
from schools.middleware import membership_in_session
from schools.models import OWN_RECORD_ROLES, Role

_FORM_VIEWS = frozenset({"concerns:record", "concerns:draft_save"})
_RECORDERS = frozenset({*OWN_RECORD_ROLES, Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


def keep_concern_posted_after_idle(
    sender: object,  # noqa: ARG001
    *,
    request: HttpRequest,
    **kwargs: Any,  # noqa: ARG001
) -> KeptAtSignOut | None:
    try:
        view = resolve(request.path_info).view_name
    except Resolver404:
        return None
    if view not in _FORM_VIEWS:
        return None
    viewer = membership_in_session(request)
    if viewer is None or viewer.role not in _RECORDERS or viewer.school is None:
        return None
    form = concern_form_for(viewer=viewer, data=request.POST)
    try:
        fields, pupil = draft_from(form)
    except ValidationError:
        return None
    if not any(v for name, v in fields.items() if name != "form_key"):
        return None
    if draft_save(actor=viewer, fields=fields, pupil=pupil, request=request) is None:
        return None  # that form's concern is recorded already: nothing left to keep
    return KeptAtSignOut(
        message=(
            "What you typed into the concern form is kept as your draft (attached files are "
            "not kept): sign in again to finish it. It has not been sent yet."
        ),
        next_url=reverse("concerns:record"),
    )
