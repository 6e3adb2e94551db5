"""Who wrote an imported record, kept as the old system had it (docs/import-format.md).

An author whose name matches a member of the school's staff in Cairn is that member; anyone else
is kept as a name and role in `ImportOrigin` (shown as "recorded by X (imported)"), with the
DSL who ran the import as the record's `recorded_by`. Every imported record without a source
field of its own gets an `ImportOrigin` naming the system it came from.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import models

from concerns.models import ImportOrigin
from schools.models import Membership, School


def label(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


class Authors:
    """Resolves authors' names to the school's members and collects the origins to write."""

    def __init__(self, *, school: School, actor: Membership, source_system: str) -> None:
        self.actor = actor
        self.source_system = source_system
        self.by_name: dict[str, Membership] = {}
        members = (
            Membership.objects.filter(school=school)
            .select_related("user")
            .order_by("is_active", "created_at")  # an active membership wins over an ended one
        )
        for member in members:
            self.by_name[member.user.full_name.strip().casefold()] = member
        self.pending: list[ImportOrigin] = []
        self.files: list[Path] = []  # files written for the import's attachments

    def member(self, name: str) -> Membership:
        return self.by_name.get(name.strip().casefold(), self.actor)

    def keep(self, obj: models.Model, name: str, role: str, *, field: str = "author") -> None:
        self.pending.append(
            ImportOrigin(
                target=label(obj),
                target_id=str(obj.pk),
                field=field,
                name=name,
                role=role,
                is_user=name.strip().casefold() in self.by_name,
                source_system=self.source_system,
            )
        )

    def flush(self) -> None:
        ImportOrigin.objects.bulk_create(self.pending, batch_size=500)
        self.pending = []


class AuthorNames:
    """For an export: each record's author as the file writes it, from its origin if imported,
    else the Cairn member who wrote it."""

    def __init__(self, targets: Iterable[str]) -> None:
        self.origins: dict[tuple[str, str, str], tuple[str, str]] = {
            (o.target, o.target_id, o.field): (o.name, o.role)
            for o in ImportOrigin.objects.filter(target__in=list(targets))
        }

    def of(self, obj: models.Model, member: Membership | None, *, field: str = "author") -> Any:
        kept = self.origins.get((label(obj), str(obj.pk), field))
        if kept is not None:
            return {"name": kept[0], "role": kept[1]}
        if member is None:
            return {"name": "", "role": ""}
        return {"name": member.user.full_name, "role": member.get_role_display()}
