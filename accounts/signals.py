"""What the accounts app tells the apps above it, without importing them (ADR 16: one-way
dependencies). A receiver lives in the app that knows what to do."""

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class KeptAtSignOut:
    """What an app kept of a form posted after the idle limit: told to the person as they sign
    in again (`message`), and the page signing in leads back to (`next_url`)."""

    message: str
    next_url: str


# Sent when a whole page's form (not an htmx request) is posted after the idle limit, with a
# valid CSRF token, just before the person is signed out; `request` is still signed in, `user`
# is the person. A receiver that keeps what was typed (the concern form keeps it as the author's
# draft, ADR 21) returns a KeptAtSignOut; any other returns None. Nothing else is written: the
# post itself is not acted on.
posted_after_idle = Signal()
