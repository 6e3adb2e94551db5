"""The chronology's sources: the functions listed in `settings.CHRONOLOGY_SOURCES`.

The shape of an entry (`Entry`, `Window`, `Source`) lives in `sources.chronology`, below the record
apps that offer entries, so they need not import this app (ADR 17).
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from sources.chronology import Entry, Source, Window

__all__ = ["Entry", "Source", "Window", "chronology_sources"]


@cache
def chronology_sources() -> tuple[Source, ...]:
    """Every source named in settings.CHRONOLOGY_SOURCES, imported once."""
    return tuple(import_string(path) for path in settings.CHRONOLOGY_SOURCES)
