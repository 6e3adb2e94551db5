"""manage.py seed_demo: the demo trust, its personas, pupils and records. Synthetic only."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import import_string

from audit import services as audit
from audit.models import AuditAction
from schools.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TRUST_NAME, PERSONAS, DemoWorld
from schools.models import Trust


class Command(BaseCommand):
    help = "Create the demo trust (two schools, a persona per role, about 600 synthetic pupils)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a live school's database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates demo accounts with a "
                "published password. Use --force only on a database that is not a school's."
            )
        if Trust.objects.filter(name=DEMO_TRUST_NAME).exists():
            self.stdout.write("The demo trust exists already; nothing to do.")
        else:
            world = DemoWorld.new()
            with transaction.atomic():
                for dotted in settings.DEMO_SEEDERS:
                    self.stdout.write(f"Seeding {dotted.rsplit('.', 2)[0]}…")
                    import_string(dotted)(world)
                audit.record(
                    actor=None, action=AuditAction.DEMO_SEEDED, details={"summary": world.summary}
                )
            self.stdout.write("Created: " + "; ".join(world.summary))
        self.stdout.write(f"\nDemo sign-ins (every password: {DEMO_PASSWORD})")
        for persona in PERSONAS:
            where = persona.school_key or "trust"
            self.stdout.write(f"  {persona.role.label:<40} {persona.email:<30} ({where})")
        self.stdout.write(
            f"\nTwo-factor: every persona's authenticator key is {DEMO_TOTP_SECRET}. Add it to an "
            "authenticator app, or run `make demo-code` for the current code."
        )
