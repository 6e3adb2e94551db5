"""The child's casework page."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import services as audit
from audit.models import AuditAction
from casework.access import (
    CASEWORK_RECORDERS,
    access_pupil_casework,
)
from casework.selectors import casework_for
from casework.views._shape import READERS
from schools.http import CairnRequest, role_required


@require_GET
@role_required(READERS)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """Everything casework holds about the child; opening it is an audited read."""
    viewer = request.membership
    child = access_pupil_casework(viewer=viewer, pupil_id=pupil_id)
    work = casework_for(viewer=viewer, pupil=child)
    audit.record(
        actor=viewer,
        action=AuditAction.CASEWORK_VIEWED,
        target=child,
        pupil_id=child.pk,
        request=request,
        details={"records": len(work.record_ids())},
    )
    return render(
        request,
        "casework/pupil.html",
        {"pupil": child, "work": work, "may_record": viewer.role in CASEWORK_RECORDERS},
    )
