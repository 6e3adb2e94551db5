"""The service navigation: the pages each role may reach, and nothing else."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from schools.models import OWN_RECORD_ROLES, Role

_ALL = frozenset(Role)
_DSL_TEAM = frozenset({Role.DSL, Role.DEPUTY_DSL})
_SCHOOL_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
_ATTENDANCE_LEAD = frozenset({Role.ATTENDANCE_LEAD})


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[Role]


# Order is the order shown. Each later app adds its pages here.
NAVIGATION: list[NavEntry] = [
    NavEntry("Home", "schools:home", _ALL),
    NavEntry("Record a concern", "concerns:record", _SCHOOL_READERS | OWN_RECORD_ROLES),
    NavEntry("Your concerns", "concerns:mine", OWN_RECORD_ROLES | {Role.HEADTEACHER}),
    NavEntry("Concerns inbox", "concerns:inbox", _DSL_TEAM),
    NavEntry("Pupils", "pupils:search", _SCHOOL_READERS | {Role.TRUST_LEAD}),
    NavEntry("Findings", "patterns:inbox", _SCHOOL_READERS),
    NavEntry("Attendance", "attendance:cohort", _SCHOOL_READERS | _ATTENDANCE_LEAD),
    NavEntry("Attendance", "attendance:summary", frozenset({Role.GOVERNOR, Role.TRUST_LEAD})),
    NavEntry("Trends", "analytics:school", _SCHOOL_READERS | {Role.GOVERNOR}),
    NavEntry("Trends", "analytics:trust", frozenset({Role.TRUST_LEAD})),
    NavEntry("My check-ins", "voice:my_check_ins", OWN_RECORD_ROLES),
    NavEntry("Check-ins", "voice:school_check_ins", _SCHOOL_READERS),
    NavEntry("Household links", "pupils:suggestions", _DSL_TEAM),
    NavEntry("File transfers", "transfer:ledger", _DSL_TEAM),
    NavEntry("Import pupils", "pupils:import_upload", _DSL_TEAM | {Role.SCHOOL_ADMIN}),
    NavEntry("Import registers", "attendance:upload", _ATTENDANCE_LEAD | {Role.SCHOOL_ADMIN}),
    NavEntry("Training", "staffing:register", _SCHOOL_READERS | {Role.SCHOOL_ADMIN}),
    NavEntry("Learning", "learning:supervision", _SCHOOL_READERS),
    NavEntry("Staff", "schools:staff", frozenset({Role.SCHOOL_ADMIN})),
    NavEntry("School settings", "schools:settings", frozenset({Role.SCHOOL_ADMIN})),
    NavEntry("Retention", "retention:queue", _DSL_TEAM | {Role.HEADTEACHER}),
    NavEntry("Your account", "accounts:account", _ALL),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"nav_items": [], "header_search": ""}
    items = []
    for entry in NAVIGATION:
        if membership.role not in entry.roles:
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "current": False})
    # The current page belongs to the entry whose address is the longest prefix of it, so that
    # "Import registers" (/attendance/import/) is current there rather than "Attendance" too.
    matches = [
        item
        for item in items
        if request.path == item["url"]
        or (item["url"] != "/" and request.path.startswith(str(item["url"])))
    ]
    if matches:
        max(matches, key=lambda item: len(str(item["url"])))["current"] = True
    # The search box in the header: for the safeguarding team, who look children up all day.
    search = reverse("pupils:search") if membership.role in _DSL_TEAM else ""
    return {"nav_items": items, "header_search": search}
