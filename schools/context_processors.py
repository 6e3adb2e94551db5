"""The service navigation: the pages each role may reach, and nothing else."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from schools.models import Role

_ALL = frozenset(Role)
_DSL_TEAM = frozenset({Role.DSL, Role.DEPUTY_DSL})
_SCHOOL_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[Role]


# Order is the order shown. Each later app adds its pages here.
NAVIGATION: list[NavEntry] = [
    NavEntry("Home", "schools:home", _ALL),
    NavEntry("Record a concern", "concerns:record", _SCHOOL_READERS | {Role.STAFF}),
    NavEntry("Your concerns", "concerns:mine", frozenset({Role.STAFF, Role.HEADTEACHER})),
    NavEntry("Concerns inbox", "concerns:inbox", _DSL_TEAM),
    NavEntry("Pupils", "pupils:search", _SCHOOL_READERS | {Role.TRUST_LEAD}),
    NavEntry("Findings", "patterns:inbox", _SCHOOL_READERS),
    NavEntry("Attendance", "attendance:cohort", _SCHOOL_READERS),
    NavEntry("Attendance", "attendance:summary", frozenset({Role.GOVERNOR, Role.TRUST_LEAD})),
    NavEntry("Trends", "analytics:school", _SCHOOL_READERS | {Role.GOVERNOR}),
    NavEntry("Trends", "analytics:trust", frozenset({Role.TRUST_LEAD})),
    NavEntry("My check-ins", "voice:my_check_ins", frozenset({Role.STAFF})),
    NavEntry("Check-ins", "voice:school_check_ins", _SCHOOL_READERS),
    NavEntry("Household links", "pupils:suggestions", _DSL_TEAM),
    NavEntry("Import pupils", "pupils:import_upload", _DSL_TEAM | {Role.SCHOOL_ADMIN}),
    NavEntry("Import registers", "attendance:upload", frozenset({Role.SCHOOL_ADMIN})),
    NavEntry("Staff", "schools:staff", frozenset({Role.SCHOOL_ADMIN})),
    NavEntry("School settings", "schools:settings", frozenset({Role.SCHOOL_ADMIN})),
    NavEntry("Your account", "accounts:account", _ALL),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"nav_items": []}
    items = []
    for entry in NAVIGATION:
        if membership.role not in entry.roles:
            continue
        url = reverse(entry.url_name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": entry.label, "url": url, "current": current})
    return {"nav_items": items}
