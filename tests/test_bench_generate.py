"""The benchmark generator writes a small trust through Cairn's importers, the same every time."""

import pytest

from attendance.models import AttendanceWeek
from audit.selectors import audit_chain_verify
from concerns.models import Concern, Decision
from pupils.models import Pupil
from voice.models import VoiceEntry


@pytest.fixture
def generated(db, tmp_path, monkeypatch):
    import bench.common
    from bench.generate import generate

    monkeypatch.setattr(bench.common, "DATA", tmp_path)
    return generate(pupils=120, schools=2, years=2, seed=5)


def test_a_small_trust_through_the_importers(generated):
    assert Pupil.objects.count() == 120
    assert AttendanceWeek.objects.exists()
    assert Concern.objects.exists()
    assert Decision.objects.exists()
    assert VoiceEntry.objects.count() >= 2
    # Neglect is the most common category, as the national figures say.
    from collections import Counter

    counts = Counter(
        code
        for concern in Concern.objects.prefetch_related("versions__categories")
        for code in {c.code for v in concern.versions.all() for c in v.categories.all()}
    )
    assert counts.most_common(1)[0][0] == "neglect"
    assert audit_chain_verify().intact


def test_same_seed_same_files():
    import random
    from datetime import date

    from bench.ctf import iter_ctf
    from bench.generate import _history_lines

    def ctf(seed: int) -> str:
        return "".join(
            iter_ctf(
                pupils=30, seed=seed, la_code="960", establishment_number="2001", version="25.0"
            )
        )

    assert ctf(5) == ctf(5)
    assert ctf(5) != ctf(6)
    upns = [f"A96020012{n:04d}" for n in range(200)]
    first = _history_lines(random.Random(3), upns, years=2, today=date(2026, 11, 26))
    second = _history_lines(random.Random(3), upns, years=2, today=date(2026, 11, 26))
    assert first == second
    assert any(line["kind"] == "decision" for line in first)
