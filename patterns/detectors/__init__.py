"""The bundled detectors. Importing this package registers them (see `patterns.registry`)."""

from patterns.detectors import (
    attendance,
    attendance_patterns,
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
    "attendance_patterns",
    "casework",
    "child",
    "education",
    "engagement",
    "household",
    "injury",
    "neglect",
    "voice",
]
