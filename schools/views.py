"""Home pages per role, choosing a role, staff and invitations, and school settings."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from audit import services as audit
from audit.models import AuditAction
from schools import selectors, services
from schools.access import access_invitation, access_staff_membership
from schools.forms import AcceptInvitationForm, ChangeRoleForm, InvitationForm, SchoolSettingsForm
from schools.http import CairnRequest, role_required
from schools.middleware import SESSION_MEMBERSHIP
from schools.models import Role

_ALL_ROLES = list(Role)
_HOME_TEMPLATES = {
    Role.STAFF: "schools/home/staff.html",
    Role.DSL: "schools/home/dsl.html",
    Role.DEPUTY_DSL: "schools/home/dsl.html",
    Role.HEADTEACHER: "schools/home/headteacher.html",
    Role.GOVERNOR: "schools/home/governor.html",
    Role.TRUST_LEAD: "schools/home/trust_lead.html",
    Role.SCHOOL_ADMIN: "schools/home/school_admin.html",
    Role.ATTENDANCE_LEAD: "schools/home/attendance_lead.html",
}


@require_GET
@role_required(_ALL_ROLES)
def home(request: CairnRequest) -> HttpResponse:
    """Each role's starting page: what that role does in Cairn, and nothing it may not see."""
    membership = request.membership
    context: dict[str, object] = {"membership": membership}
    if membership.role == Role.SCHOOL_ADMIN:
        context["staff_count"] = selectors.staff_for_school(viewer=membership).count()
        context["open_invitations"] = selectors.open_invitations_for_school(
            viewer=membership
        ).count()
    return render(request, _HOME_TEMPLATES[Role(membership.role)], context)


@login_required
@require_http_methods(["GET", "POST"])
def choose_role(request: HttpRequest) -> HttpResponse:
    """For someone with more than one role (say, DSL at one school and governor at another)."""
    user = request.user
    assert isinstance(user, User)
    memberships = list(selectors.memberships_for_user(user_id=user.pk))
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is None:
            return render(
                request,
                "schools/choose_role.html",
                {"memberships": memberships, "error": "Choose a role."},
                status=400,
            )
        request.session[SESSION_MEMBERSHIP] = str(chosen.pk)
        audit.record(actor=chosen, action=AuditAction.MEMBERSHIP_SELECTED, request=request)
        return redirect("schools:home")
    return render(request, "schools/choose_role.html", {"memberships": memberships})


@require_GET
@role_required([Role.SCHOOL_ADMIN])
def staff(request: CairnRequest) -> HttpResponse:
    return render(
        request,
        "schools/staff.html",
        {
            "memberships": selectors.staff_for_school(viewer=request.membership),
            "invitations": selectors.open_invitations_for_school(viewer=request.membership),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required([Role.SCHOOL_ADMIN])
def invite(request: CairnRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                actor=request.membership,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=Role(form.cleaned_data["role"]),
                request=request,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("schools:staff")
    return render(request, "schools/invite.html", {"form": form})


@require_POST
@role_required([Role.SCHOOL_ADMIN])
def invitation_revoke(request: CairnRequest, invitation_id: UUID) -> HttpResponse:
    invitation = access_invitation(viewer=request.membership, invitation_id=invitation_id)
    services.invitation_revoke(actor=request.membership, invitation=invitation, request=request)
    messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("schools:staff")


@require_http_methods(["GET", "POST"])
@role_required([Role.SCHOOL_ADMIN])
def membership_edit(request: CairnRequest, membership_id: UUID) -> HttpResponse:
    target = access_staff_membership(viewer=request.membership, membership_id=membership_id)
    form = ChangeRoleForm(request.POST or None, initial={"role": target.role})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "end":
                services.membership_end(
                    actor=request.membership, membership=target, request=request
                )
                messages.success(request, f"{target.user.full_name} no longer has that role.")
                return redirect("schools:staff")
            if form.is_valid():
                services.membership_change_role(
                    actor=request.membership,
                    membership=target,
                    role=Role(form.cleaned_data["role"]),
                    request=request,
                )
                messages.success(request, f"{target.user.full_name}'s role has been changed.")
                return redirect("schools:staff")
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "schools/membership_edit.html", {"target": target, "form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "schools/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(
            invitation=invitation, password=form.cleaned_data["password1"], request=request
        )
        messages.success(request, "Your account is ready. Sign in to set up two-factor sign-in.")
        return redirect("accounts:sign_in")
    return render(
        request, "schools/accept_invitation.html", {"form": form, "invitation": invitation}
    )


@require_http_methods(["GET", "POST"])
@role_required([Role.SCHOOL_ADMIN])
def school_settings(request: CairnRequest) -> HttpResponse:
    school = request.membership.school
    assert school is not None
    form = SchoolSettingsForm(
        request.POST or None, initial={"idle_timeout_minutes": school.idle_timeout_minutes}
    )
    if request.method == "POST" and form.is_valid():
        services.school_update_settings(
            actor=request.membership,
            school=school,
            idle_timeout_minutes=form.cleaned_data["idle_timeout_minutes"],
            request=request,
        )
        messages.success(request, "School settings saved.")
        return redirect("schools:settings")
    return render(request, "schools/settings.html", {"form": form, "school": school})
