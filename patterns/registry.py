"""The detector registry: a plain decorator, no metaclass.

A detector is a small pure function over frozen facts (`patterns.facts`), registered with
`@detector(slug=..., version=..., settings=...)`. Its docstring is its explanation: the first
paragraph is the text shown beside a finding, then "Why:" (citing the Cairn domain reference),
"Evidence:" and "Does not mean:". `manage.py list_detectors` prints them all, so docs, UI and tests
share one source. Its thresholds live in a frozen settings dataclass whose fields carry their
meaning and source; a school may change them (`patterns.models.DetectorSettings`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How soon the DSL is asked to look: prompt levels, never a score about a child."""

    CONSIDER = "consider"  # look at these records together when next reviewing the child
    REVIEW = "review"  # review the child's records soon
    REVIEW_NOW = "review_now"  # review the child's records today


SEVERITY_RANK = {Severity.CONSIDER: 1, Severity.REVIEW: 2, Severity.REVIEW_NOW: 3}


class SubjectKind(StrEnum):
    PUPIL = "pupil"
    HOUSEHOLD = "household"


@dataclass(frozen=True, slots=True, order=True)
class EvidenceRef:
    """One record a finding rests on: its kind (`concern`, `decision`, ...), id and date."""

    on: date
    kind: str
    id: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "date": self.on.isoformat()}


@dataclass(frozen=True, slots=True)
class Raised:
    """What a detector returns: a prompt about one child or household, with its evidence.

    The detector fills `subject_kind`, `subject_id`, `severity`, `detail` (the specifics: counts,
    dates) and `evidence`; the engine fills `detector`, `version` and `school_ids`.
    """

    subject_kind: SubjectKind
    subject_id: str
    severity: Severity
    detail: str
    evidence: tuple[EvidenceRef, ...]
    detector: str = ""
    version: int = 0
    school_ids: frozenset[str] = frozenset()

    @property
    def inputs_hash(self) -> str:
        """A hash of what the finding rests on: the detector, its version and the evidence."""
        payload = {
            "detector": self.detector,
            "version": self.version,
            "evidence": [ref.as_dict() for ref in sorted(set(self.evidence))],
        }
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()


def setting(default: Any, *, doc: str, source: str) -> Any:
    """A field of a detector's settings: its default, what it means and where the default is from.

    Facts tagged [U] in the domain reference are always settings (README.md, rule 2).
    """
    if isinstance(default, frozenset):
        return field(default_factory=lambda: default, metadata={"doc": doc, "source": source})
    return field(default=default, metadata={"doc": doc, "source": source})


class SettingsError(ValueError):
    """A school's settings for a detector are not valid; the message names detector and key."""


DetectorFunc = Callable[..., list[Raised]]


@dataclass(frozen=True, slots=True)
class Detector:
    slug: str
    version: int
    subject: SubjectKind
    func: DetectorFunc
    settings_class: type[Any]

    @property
    def doc_paragraphs(self) -> list[str]:
        doc = inspect.cleandoc(self.func.__doc__ or "")
        return [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]

    @property
    def summary(self) -> str:
        """The text shown beside a finding: the docstring's first paragraph."""
        return self.doc_paragraphs[0]

    def section(self, label: str) -> str:
        """The docstring paragraph that starts with `label:` (e.g. "Why"), without the label."""
        prefix = f"{label}:"
        for paragraph in self.doc_paragraphs:
            if paragraph.startswith(prefix):
                return paragraph[len(prefix) :].strip()
        return ""

    def defaults(self) -> Any:
        return self.settings_class()

    def configure(self, overrides: Mapping[str, Any]) -> Any:
        """The settings with a school's overrides applied, each checked against its default."""
        known = {f.name: f for f in dataclasses.fields(self.settings_class)}
        defaults = self.defaults()
        values: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                raise SettingsError(f"{self.slug}: no setting named '{key}'")
            values[key] = _coerce(self.slug, key, getattr(defaults, key), value)
        return dataclasses.replace(defaults, **values)

    def setting_fields(self) -> list[dataclasses.Field[Any]]:
        return list(dataclasses.fields(self.settings_class))


def _coerce(slug: str, key: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(f"{slug}: '{key}' must be true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"{slug}: '{key}' must be a whole number, 0 or more")
        return value
    if not isinstance(value, list | tuple | set | frozenset) or not all(
        isinstance(item, str) for item in value
    ):
        raise SettingsError(f"{slug}: '{key}' must be a list of names")
    return frozenset(value)


_REGISTRY: dict[str, Detector] = {}
REQUIRED_SECTIONS = ("Why", "Evidence", "Does not mean")


def detector(
    *,
    slug: str,
    version: int,
    settings: type[Any],
    subject: SubjectKind = SubjectKind.PUPIL,
) -> Callable[[DetectorFunc], DetectorFunc]:
    """Register a detector. Refuses a duplicate slug or a docstring missing a section."""

    def register(func: DetectorFunc) -> DetectorFunc:
        if slug in _REGISTRY and _REGISTRY[slug].func is not func:
            raise ValueError(f"detector slug '{slug}' is already registered")
        entry = Detector(
            slug=slug, version=version, subject=subject, func=func, settings_class=settings
        )
        missing = [label for label in REQUIRED_SECTIONS if not entry.section(label)]
        if missing:
            raise ValueError(f"detector '{slug}' docstring lacks: {', '.join(missing)}")
        _REGISTRY[slug] = entry
        return func

    return register


def all_detectors() -> tuple[Detector, ...]:
    """Every registered detector, in slug order (importing the bundled set first)."""
    import patterns.detectors  # noqa: F401  (registers the bundled detectors)

    return tuple(_REGISTRY[slug] for slug in sorted(_REGISTRY))


def get_detector(slug: str) -> Detector:
    """The detector with this slug; KeyError if there is none."""
    for entry in all_detectors():
        if entry.slug == slug:
            return entry
    raise KeyError(f"no detector '{slug}'")
