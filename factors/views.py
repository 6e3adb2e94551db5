"""The factors known about a child: reading them, recording one, withdrawing one."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit import services as audit
from audit.models import AuditAction
from factors import selectors, services
from factors.access import (
    FACTOR_READERS,
    FACTOR_RECORDERS,
    access_factor_to_withdraw,
    access_pupil_factors,
    access_pupil_to_record_factor,
    factors_visible_to,
)
from factors.forms import FactorForm, WithdrawForm
from factors.models import KnownFactor
from pupils.models import Pupil
from schools.http import CairnRequest, role_required
from ui.forms import form_write

_READERS = list(FACTOR_READERS)
_RECORDERS = list(FACTOR_RECORDERS)


def _withdraw_prefix(factor: KnownFactor) -> str:
    return f"withdraw-{factor.pk}"


def _page(
    request: CairnRequest,
    child: Pupil,
    *,
    form: FactorForm | None,
    withdrawing: tuple[KnownFactor, WithdrawForm] | None = None,
) -> HttpResponse:
    """The child's factors page; showing it is an audited read of the child's record."""
    viewer = request.membership
    visible = factors_visible_to(viewer=viewer)
    current = list(selectors.current_factors(visible=visible, pupil=child))
    withdrawn = list(selectors.withdrawn_factors(visible=visible, pupil=child))
    may_record = form is not None
    rows = []
    for factor in current:
        may_withdraw = may_record and factor.school_id == viewer.school_id
        withdraw_form = None
        if may_withdraw:
            withdraw_form = (
                withdrawing[1]
                if withdrawing is not None and withdrawing[0].pk == factor.pk
                else WithdrawForm(prefix=_withdraw_prefix(factor))
            )
        rows.append({"factor": factor, "withdraw_form": withdraw_form})
    audit.record(
        actor=viewer,
        action=AuditAction.FACTORS_VIEWED,
        target=child,
        pupil_id=child.pk,
        request=request,
        details={"factors": [str(f.pk) for f in current + withdrawn]},
    )
    return render(
        request,
        "factors/pupil.html",
        {
            "pupil": child,
            "rows": rows,
            "withdrawn": withdrawn,
            "form": form,
            "withdraw_error_form": withdrawing[1] if withdrawing is not None else None,
            "withdrawing_id": withdrawing[0].pk if withdrawing is not None else None,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(_READERS)
def pupil(request: CairnRequest, pupil_id: UUID) -> HttpResponse:
    """The factors known about the child, current and withdrawn; the safeguarding team records
    one here (POST)."""
    viewer = request.membership
    if request.method != "POST":
        child = access_pupil_factors(viewer=viewer, pupil_id=pupil_id)
        form = FactorForm() if viewer.role in FACTOR_RECORDERS else None
        return _page(request, child, form=form)
    child = access_pupil_to_record_factor(viewer=viewer, pupil_id=pupil_id)
    form = FactorForm(request.POST)
    written = form_write(
        request,
        form,
        lambda: services.factor_record(
            actor=viewer,
            pupil=child,
            code=form.cleaned_data["code"],
            source=form.cleaned_data["source"],
            known_from=form.cleaned_data["known_from"],
            note=form.cleaned_data["note"],
            request=request,
        ),
    )
    if written:
        messages.success(request, f"Recorded: {written.value.code} {written.value.description}")
        return redirect("factors:pupil", pupil_id=child.pk)
    return _page(request, child, form=form)


@require_POST
@role_required(_RECORDERS)
def withdraw(request: CairnRequest, factor_id: UUID) -> HttpResponse:
    """Withdraw a factor the school recorded, with the reason."""
    viewer = request.membership
    factor = access_factor_to_withdraw(viewer=viewer, factor_id=factor_id)
    form = WithdrawForm(request.POST, prefix=_withdraw_prefix(factor))
    written = form_write(
        request,
        form,
        lambda: services.factor_withdraw(
            actor=viewer, factor=factor, reason=form.cleaned_data["reason"], request=request
        ),
    )
    if written:
        messages.success(request, f"Withdrawn: {factor.code} {factor.description}")
        return redirect("factors:pupil", pupil_id=factor.pupil_id)
    if factor.is_withdrawn:
        messages.error(request, "This factor had already been withdrawn.")
        return redirect("factors:pupil", pupil_id=factor.pupil_id)
    return _page(request, factor.pupil, form=FactorForm(), withdrawing=(factor, form))
