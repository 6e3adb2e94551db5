"""Leaving the roll while the child has a file at the school starts a transfer of the file
(records-and-access.md §7). Casework is not changed: the transfer app listens for a new
leaving record (a leaving imported from another system's history starts nothing)."""

from typing import Any

from django.db.models.signals import post_save

from casework.models import Leaving, LeavingReason
from concerns.models import ConcernPupil
from transfer.models import Transfer

_NO_NEXT_SCHOOL = {LeavingReason.MOVED_AWAY, LeavingReason.CHILD_MISSING_EDUCATION}


def has_file(leaving: Leaving) -> bool:
    """Concerns open when the child left, or any concern about the child at the school."""
    if leaving.open_concerns:
        return True
    return ConcernPupil.objects.filter(
        pupil_id=leaving.pupil_id, concern__school_id=leaving.school_id
    ).exists()


def _on_leaving(sender: type, instance: Leaving, created: bool, **kwargs: Any) -> None:  # noqa: ARG001
    if not created or instance.source_ref or kwargs.get("raw"):
        return
    if Transfer.objects.filter(leaving_id=instance.pk).exists() or not has_file(instance):
        return
    from schools.models import School
    from transfer.services import transfer_start

    actor = instance.recorded_by
    destination = instance.destination
    if instance.reason in _NO_NEXT_SCHOOL:
        destination = ""
    to_school = None
    own = actor.school
    if destination and own is not None and own.trust_id is not None:
        to_school = (
            School.objects.filter(trust_id=own.trust_id, name__iexact=destination)
            .exclude(pk=own.pk)
            .first()
        )
    transfer_start(
        actor=actor,
        pupil=instance.pupil,
        left_on=instance.left_on,
        to_school_name=destination,
        to_school=to_school,
        leaving_id=instance.pk,
    )


def connect() -> None:
    post_save.connect(_on_leaving, sender=Leaving, dispatch_uid="transfer-on-leaving")
