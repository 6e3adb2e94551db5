"""manage.py retention_report: the records that reach their retention date in the next year (or
--days), by school, and those already reached and waiting for a decision. No child is named: the
review queue in Cairn names them to the safeguarding team."""

from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from retention.selectors import falling_due
from schools.models import School


class Command(BaseCommand):
    help = "List the records reaching their retention date in the next year, by school."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=365, help="how far ahead (default 365)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        days = max(0, int(options["days"]))
        states = falling_due(today=today, days=days)
        names: dict[UUID | None, str] = dict(School.objects.values_list("pk", "name"))
        self.stdout.write(
            f"Records reaching their retention date by {today + timedelta(days=days):%d %B %Y} "
            f"(the next {days} days), or reached and not yet decided: {len(states)}."
        )
        if not states:
            return
        per_school = Counter(state.school_id for state in states)
        for school_id, count in sorted(per_school.items(), key=lambda item: names.get(item[0], "")):
            name = names.get(school_id, "no school")
            self.stdout.write(f"\n{name}: {count} record{'s' if count != 1 else ''}")
            for state in states:
                if state.school_id == school_id:
                    self.stdout.write(
                        f"  {state.review_from:%Y-%m-%d}  {state.status(today).lower()}; "
                        f"{state.rule}"
                    )
        self.stdout.write(
            "\nEach is decided by a person in Cairn's retention review queue: kept for another "
            "period, placed on legal hold, or destroyed with the headteacher's approval."
        )
