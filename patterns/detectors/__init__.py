"""The bundled detectors. Importing this package registers them (see `patterns.registry`)."""

from patterns.detectors import (
    attendance,
    casework,
    child,
    education,
    engagement,
    household,
    injury,
    neglect,
    voice,
)

__all__ = [
    "attendance",
    "casework",
    "child",
    "education",
    "engagement",
    "household",
    "injury",
    "neglect",
    "voice",
]
