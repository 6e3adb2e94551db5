"""manage.py demo_totp: the current two-factor code for the demo personas (DEBUG only)."""

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schools.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo personas (only with DEBUG on)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DEBUG on.")
        self.stdout.write(pyotp.TOTP(DEMO_TOTP_SECRET).now())
