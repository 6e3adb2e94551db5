from tests.access_table import Case, allow

# The trust in the test world does not let its lead open children's records.
# Another school's DSL may search, and finds only their own school's children.
_readers = allow("dsl", "deputy_dsl", "headteacher", "trust_lead", "other_school_dsl")
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731
_importers = ("school_admin", "dsl", "deputy_dsl")


def _household(world) -> dict[str, object]:
    from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory

    member = HouseholdMemberFactory(
        household=HouseholdFactory(trust=world.school.trust), pupil=world.pupil
    )
    return {"household_id": member.household_id}


def _suggestion(world) -> dict[str, object]:
    from pupils.tests.factories import EnrolmentFactory, HouseholdSuggestionFactory

    other = EnrolmentFactory(school=world.school).pupil
    return {"suggestion_id": HouseholdSuggestionFactory(pupil_a=world.pupil, pupil_b=other).pk}


def _batch(world) -> dict[str, object]:
    from pupils.tests.factories import ImportBatchFactory

    return {"batch_id": ImportBatchFactory(school=world.school).pk}


CASES = {
    "pupils:search": Case(_readers),
    "pupils:detail": Case(
        allow("dsl", "deputy_dsl", "headteacher", trust_lead=404, other_school_dsl=404),
        kwargs=_child,
    ),
    "pupils:access_log": Case(allow("dsl", "deputy_dsl", other_school_dsl=404), kwargs=_child),
    # Only a trust lead is ever asked; this test world's trust does not allow child records.
    "pupils:access_reason": Case(allow(trust_lead=404), kwargs=_child),
    "pupils:household": Case(
        allow("dsl", "deputy_dsl", "headteacher", trust_lead=404, other_school_dsl=404),
        kwargs=_household,
    ),
    # Another school's DSL sees their own (empty) list.
    "pupils:suggestions": Case(allow("dsl", "deputy_dsl", "other_school_dsl")),
    "pupils:suggestion_decide": Case(
        allow("dsl", "deputy_dsl", other_school_dsl=404), kwargs=_suggestion
    ),
    "pupils:import_upload": Case(allow(*_importers, "other_school_dsl")),
    "pupils:import_preview": Case(allow(*_importers, other_school_dsl=404), kwargs=_batch),
    # The batch's file is gone in this test world: the importer is sent back to upload again.
    "pupils:import_commit": Case(
        allow(*_importers, ok=302, other_school_dsl=404), kwargs=_batch, method="post"
    ),
}
