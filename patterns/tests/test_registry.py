"""Pure tests of the registry: docstrings, settings and hashing."""

import dataclasses
from datetime import date

import pytest

from patterns.detectors._common import since, span
from patterns.registry import (
    EvidenceRef,
    Raised,
    SettingsError,
    Severity,
    SubjectKind,
    all_detectors,
    detector,
    get_detector,
    setting,
)
from patterns.tests.builders import concern


def test_every_detector_explains_itself_and_cites_the_domain_reference():
    entries = all_detectors()
    assert len(entries) == 29
    for entry in entries:
        assert entry.summary
        assert not entry.summary.startswith(("Why:", "Evidence:"))
        assert ".md §" in entry.section("Why"), entry.slug
        assert entry.section("Evidence")
        assert entry.section("Does not mean")
        for field in entry.setting_fields():
            assert field.metadata["doc"], (entry.slug, field.name)
            assert field.metadata["source"], (entry.slug, field.name)


def test_get_detector():
    assert get_detector("trio").subject is SubjectKind.HOUSEHOLD
    with pytest.raises(KeyError, match="no detector 'nope'"):
        get_detector("nope")


def test_configure_checks_each_value_against_its_default():
    entry = get_detector("cumulative-neglect")
    configured = entry.configure({"min_signs": 4, "indicators": ["hunger", "hygiene"]})
    assert configured.min_signs == 4
    assert configured.indicators == frozenset({"hunger", "hygiene"})
    assert get_detector("injuries").configure({"non_mobile_any": False}).non_mobile_any is False
    for bad, message in (
        ({"nope": 1}, "no setting named 'nope'"),
        ({"min_signs": True}, "must be a whole number"),
        ({"min_signs": -1}, "must be a whole number"),
        ({"indicators": "hunger"}, "must be a list of names"),
        ({"indicators": [1]}, "must be a list of names"),
    ):
        with pytest.raises(SettingsError, match=message):
            entry.configure(bad)
    with pytest.raises(SettingsError, match="true or false"):
        get_detector("injuries").configure({"non_mobile_any": 1})


@dataclasses.dataclass(frozen=True)
class _Settings:
    window: int = setting(3, doc="d", source="s")


def test_registration_refuses_an_undocumented_or_duplicate_detector():
    def undocumented(facts, *, as_of, config):
        """Only a summary."""
        return []

    with pytest.raises(ValueError, match="lacks: Why, Evidence, Does not mean"):
        detector(slug="test-undocumented", version=1, settings=_Settings)(undocumented)
    existing = get_detector("trio")
    with pytest.raises(ValueError, match="already registered"):
        detector(slug="trio", version=1, settings=_Settings)(undocumented)
    # Registering the same function again is harmless (a module imported twice).
    detector(slug="trio", version=existing.version, settings=existing.settings_class,
             subject=existing.subject)(existing.func)  # fmt: skip
    assert get_detector("trio") == existing
    assert get_detector("trio").section("Nothing") == ""


def test_inputs_hash_depends_on_detector_version_and_evidence_only():
    ref = EvidenceRef(on=date(2025, 1, 1), kind="concern", id="c1")
    one = Raised(SubjectKind.PUPIL, "p1", Severity.CONSIDER, "a", (ref,), "x", 1)
    assert one.inputs_hash == dataclasses.replace(one, detail="b", evidence=(ref, ref)).inputs_hash
    assert one.inputs_hash != dataclasses.replace(one, version=2).inputs_hash
    assert one.inputs_hash != dataclasses.replace(one, evidence=()).inputs_hash
    assert ref.as_dict() == {"kind": "concern", "id": "c1", "date": "2025-01-01"}


def test_common_helpers_edges():
    assert since(date(2025, 1, 10), 0) == date(2025, 1, 11)  # an empty window
    assert span([concern("c1", "2025-01-10")]) == "on 10 Jan 2025"
