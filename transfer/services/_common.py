"""What the transfer services share: who may transfer, how a person is named in a record."""

from django.core.exceptions import ValidationError

from schools.models import Membership, School
from transfer.models import Transfer


def team_school(actor: Membership) -> School:
    if not actor.is_dsl_team or actor.school is None:
        raise ValidationError("Only the safeguarding team at a school transfers files.")
    return actor.school


def who(actor: Membership) -> str:
    return f"{actor.user.full_name} ({actor.get_role_display()})"


def trust_school(actor: Membership, school: School | None) -> School | None:
    if school is None:
        return None
    own = actor.school
    if own is None or own.trust_id is None or school.trust_id != own.trust_id or school == own:
        raise ValidationError({"to_school": "Choose another school of your trust."})
    return school


def status_check(transfer: Transfer, *allowed: str) -> None:
    if transfer.status not in allowed:
        raise ValidationError(
            f"This transfer is already {transfer.get_status_display().lower()}; "
            "that step cannot be taken now."
        )
