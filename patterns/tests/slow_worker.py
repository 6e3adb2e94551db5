"""A real worker process whose findings refresh stops half-way, inside its write transaction.

Run by test_background_refresh.py as `python -m patterns.tests.slow_worker MARKER`: it makes the
refresh write its first finding, touch MARKER, and hang, so the test can kill it mid-refresh.
"""

import os
import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from patterns import services

    marker = Path(sys.argv[1])
    real_create = services._create

    def create_then_hang(*args: Any, **kwargs: Any) -> Any:
        created = real_create(*args, **kwargs)
        marker.write_text("a finding written, not committed")
        time.sleep(300)
        return created

    services._create = create_then_hang
    call_command("run_worker", "--no-startup-delay", "--no-schedule", "--batch", verbosity=0)


if __name__ == "__main__":
    main()
