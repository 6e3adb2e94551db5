"""Demo data for the dashboards: the DSL's actions for governors this term, at each school.

The dashboards themselves need nothing seeded: they are computed from the concerns, decisions,
actions and registers the other seeders write.
"""

from analytics.periods import term_containing
from analytics.services import governor_actions_write
from schools.demo import DemoWorld
from schools.models import Role

_TEXT = (
    "1. Ask at the next full governing board meeting how the team keeps expectations high for "
    "disadvantaged pupils with neglect concerns (see the high-expectations check).\n\n"
    "2. Agree protected time each week for the DSL and deputies to attend multi-agency "
    "meetings.\n\n"
    "3. Check that every member of staff has completed this year's neglect training."
)


def seed(world: DemoWorld) -> None:
    term = term_containing(world.today)
    written = 0
    for school in world.schools.values():
        dsl = next(
            (m for m in world.members.values() if m.school_id == school.pk and m.role == Role.DSL),
            None,
        )
        if dsl is None:
            continue
        governor_actions_write(actor=dsl, start=term.start, end=term.end, text=_TEXT)
        written += 1
    world.summary.append(f"Actions for governors written for {written} schools ({term.label}).")
