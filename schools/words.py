"""The schools app's codes in words (read through `sources.words`)."""

from schools.models import Role


def roles() -> dict[str, str]:
    return dict(Role.choices)
