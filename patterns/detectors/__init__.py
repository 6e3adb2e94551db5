"""The bundled detectors. Importing this package registers them (see `patterns.registry`)."""

from patterns.detectors import attendance, casework, child, household, injury, neglect, voice

__all__ = ["attendance", "casework", "child", "household", "injury", "neglect", "voice"]
