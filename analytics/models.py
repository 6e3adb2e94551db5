"""What the DSL asks governors to do, for the governors' termly report.

Append-only, like every record in Cairn: writing the text again adds a new row that supersedes
the last for the same school and period; nothing is updated in place or deleted.
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from schools.models import Membership, School


class GovernorActions(models.Model):
    """The free-text section "actions the DSL wants governors to take", for one period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="governor_actions")
    period_start = models.DateField()
    period_end = models.DateField()
    text = models.TextField()
    written_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at"]
        verbose_name_plural = "governor actions"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="governor_actions_period_in_order",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["school", "period_start", "period_end"], name="governor_actions_period"
            ),
        ]

    def __str__(self) -> str:
        return f"Actions for governors, {self.period_start} to {self.period_end}"


class RollChange(models.Model):
    """A mark that pupils or enrolments changed: the dashboards' roll is read again after one.

    Rows are written by database triggers on the pupils and enrolments tables (migration 0002),
    never by Cairn's code, so no write can change the roll without leaving one: on PostgreSQL a
    row per statement, on SQLite a row per changed row (older marks are pruned there, since one
    writer at a time means the newest id alone says whether anything changed). See ADR 11,
    "The roll"."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"roll change {self.id}"
