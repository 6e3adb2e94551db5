"""The request type Cairn's views receive, and the decorator that admits roles."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User
    from schools.models import Membership, Role

P = ParamSpec("P")


class CairnRequest(HttpRequest):
    """A request after Cairn's middleware: the signed-in user and the role they act in."""

    user: "User"
    membership: "Membership"
    htmx: "HtmxDetails"


View = Callable[Concatenate[CairnRequest, P], HttpResponse]


def role_required(
    roles: "Iterable[Role]",
) -> Callable[[View[P]], Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    """Admit signed-in people acting in one of `roles`; everyone else is refused (403).

    Deny by default: every view that shows anything about a school names its roles here.
    """
    allowed = frozenset(roles)

    def decorator(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None:
                return redirect("schools:choose_role")
            if membership.role not in allowed:
                raise PermissionDenied
            return view(cast(CairnRequest, request), *args, **kwargs)

        return cast(Callable[Concatenate[HttpRequest, P], HttpResponse], wrapped)

    return decorator
