"""Demo known factors, for the children whose stories the concerns demo told. Synthetic only.

At each school the concerns demo (concerns/demo.py) builds:
- an Operation Encompass notification about two children: domestic abuse at home. The first of
  them is also one of the children with months of small neglect concerns ending in a referral.
  Here the assessment that followed found the "trio" (national-reviews.md §4): domestic abuse
  (3B), parental mental ill-health (4B, which the family had told the school of earlier) and
  parental drug misuse (2B), with neglect (16A); a parental alcohol misuse factor (1B) recorded
  from the same assessment in error is withdrawn. The other child told the school of the
  domestic abuse at home, with their parent (3B, from the family).
- other children with accumulating neglect concerns: the assessment found neglect (16A), and
  for one of them the family told the school of a parent's mental ill-health (4B).
Written through the services, so each factor is audited as if the DSL had recorded it.
"""

from datetime import timedelta

from factors import services
from factors.models import FactorSource, KnownFactor, KnownFactorWithdrawal
from pupils.models import Pupil
from schools.demo import STORY_ACCUMULATING_NEGLECT, STORY_ENCOMPASS, DemoWorld
from schools.models import Membership, Role, School

# (code, source, days before today it became known, note)
_TRIO_CHILD = (
    (
        "4B",
        FactorSource.FAMILY,
        150,
        "Mum told the class teacher she is on a waiting list for "
        "talking therapy and some days cannot get up.",
    ),
    ("3B", FactorSource.ASSESSMENT, 12, "Single assessment after the police notification."),
    ("2B", FactorSource.ASSESSMENT, 12, "Single assessment: dad's cannabis and cocaine use."),
    (
        "16A",
        FactorSource.ASSESSMENT,
        12,
        "Single assessment: neglect of the children's basic "
        "needs, as the school's referral described.",
    ),
)
_WITHDRAWN = ("1B", FactorSource.ASSESSMENT, 12, "Recorded from the single assessment.")
_WITHDRAWN_REASON = (
    "Recorded in error: the assessment found drug misuse by the parent (2B), not alcohol misuse."
)
_ALSO_NOTIFIED = (
    (
        "3B",
        FactorSource.FAMILY,
        19,
        "Mum came in after the police notification and told the DSL about the arguments at home.",
    ),
)
_NEGLECT_CHILDREN = (
    (("16A", FactorSource.ASSESSMENT, 30, "Child in need plan agreed after the assessment."),),
    (
        ("16A", FactorSource.ASSESSMENT, 45, "Single assessment after the school's referral."),
        (
            "4B",
            FactorSource.FAMILY,
            60,
            "Grandmother said mum has been very low since the baby was born.",
        ),
    ),
)


def _dsl_of(world: DemoWorld, school: School) -> Membership | None:
    return next(
        (m for m in world.members.values() if m.school_id == school.pk and m.role == Role.DSL),
        None,
    )


def _story(world: DemoWorld, school: School, story: str) -> list[Pupil]:
    """The children of a story the concerns demo told at this school (DemoWorld.stories)."""
    ids = world.stories.get((school.pk, story), [])
    by_id = Pupil.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _record(
    world: DemoWorld,
    dsl: Membership,
    pupil: Pupil,
    plan: tuple[tuple[str, FactorSource, int, str], ...],
) -> list[KnownFactor]:
    return [
        services.factor_record(
            actor=dsl,
            pupil=pupil,
            code=code,
            source=source,
            known_from=world.today - timedelta(days=days),
            note=note,
        )
        for code, source, days, note in plan
    ]


def seed(world: DemoWorld) -> None:
    for school in world.schools.values():
        dsl = _dsl_of(world, school)
        children = _story(world, school, STORY_ENCOMPASS)
        if dsl is None or not children:
            continue
        neglect = _story(world, school, STORY_ACCUMULATING_NEGLECT)
        # The notified child who also has the run of neglect concerns tells the trio story.
        children.sort(key=lambda p: (p not in neglect, p.upn))
        trio_child, others = children[0], children[1:]
        _record(world, dsl, trio_child, _TRIO_CHILD)
        (mistaken,) = _record(world, dsl, trio_child, (_WITHDRAWN,))
        services.factor_withdraw(actor=dsl, factor=mistaken, reason=_WITHDRAWN_REASON)
        for pupil in others:
            _record(world, dsl, pupil, _ALSO_NOTIFIED)
        rest = [p for p in neglect if p not in children]
        for pupil, plan in zip(rest, _NEGLECT_CHILDREN, strict=False):
            _record(world, dsl, pupil, plan)
    factors = KnownFactor.objects.filter(school__in=world.schools.values())
    withdrawn = KnownFactorWithdrawal.objects.filter(factor__in=factors).count()
    world.summary.append(
        f"{factors.count()} known factors for "
        f"{factors.values('pupil').distinct().count()} children ({withdrawn} withdrawn)"
    )
