from tests.access_table import ASKS_REASON, Case, allow, child_level, world_object

# The trust in the test world does not let its lead open children's records.
# Another school's DSL may search, and finds only their own school's children.
_readers = allow("dsl", "deputy_dsl", "headteacher", "trust_lead", "other_school_dsl")
_child = lambda w: {"pupil_id": w.pupil.pk}  # noqa: E731
_importers = ("school_admin", "dsl", "deputy_dsl")


def _build_household(world):
    from pupils.tests.factories import HouseholdFactory, HouseholdMemberFactory

    household = HouseholdFactory(trust=world.school.trust)
    HouseholdMemberFactory(household=household, pupil=world.pupil)
    return household


def _build_suggestion(world):
    from pupils.tests.factories import EnrolmentFactory, HouseholdSuggestionFactory

    other = EnrolmentFactory(school=world.school).pupil
    return HouseholdSuggestionFactory(pupil_a=world.pupil, pupil_b=other)


def _build_batch(world):
    from pupils.tests.factories import ImportBatchFactory

    return ImportBatchFactory(school=world.school)


def _ctf_upload(world) -> dict[str, object]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pupils.tests.ctf_files import ctf, pupil_xml
    from pupils.upn import upn_make

    upn = upn_make(la_code="980", establishment_number="7777", year=16, serial=900)
    school = world.school
    body = ctf(pupil_xml(upn=upn), dest_la=school.la_code, dest_estab=school.establishment_number)
    return {
        "kind": "ctf",
        "mapping": "cairn",
        "file": SimpleUploadedFile(f"{school.la_code}_CTF_001.xml", body),
    }


def _household(world) -> dict[str, object]:
    return {"household_id": world_object(world, "household", _build_household).pk}


def _suggestion(world) -> dict[str, object]:
    return {"suggestion_id": world_object(world, "suggestion", _build_suggestion).pk}


def _batch(world) -> dict[str, object]:
    return {"batch_id": world_object(world, "batch", _build_batch).pk}


# Part of the child's forename: matches the child without repeating the whole marker.
_search = lambda w: {"q": w.pupil.legal_forename[:-2]}  # noqa: E731


CASES = {
    # A trust lead whose trust allows child records says why before any child is listed.
    "pupils:search": Case(
        _readers | {"trust_lead_no_reason": ASKS_REASON, "trust_lead_other_reason": ASKS_REASON},
        data=_search,
    ),
    "pupils:detail": Case(
        child_level(allow("dsl", "deputy_dsl", "headteacher", other_school_dsl=404)),
        kwargs=_child,
        # The brother's front sheet too (he is in the concern and the household).
        variants=((lambda w: {"pupil_id": w.sibling.pk}, lambda w: {}),),
    ),
    # Only a trust lead is ever asked, and only where the trust allows child records.
    # The page names the child whose record the lead is about to open (nothing more of it).
    "pupils:access_reason": Case(
        allow(
            "trust_lead_no_reason", "trust_lead_other_reason", "trust_lead_reason", trust_lead=404
        ),
        kwargs=_child,
        shows_name_to=frozenset({"trust_lead_no_reason", "trust_lead_other_reason"}),
        post=lambda w: {"reason": "Posted by the access table."},
        post_by="trust_lead_no_reason",
        writers=frozenset({"trust_lead_other_reason"}),
    ),
    # A trust lead says why they are finding children before the search lists any.
    "pupils:list_reason": Case(
        allow("trust_lead"),
        post=lambda w: {"reason": "Posted by the access table."},
        post_by="trust_lead_no_reason",
    ),
    "pupils:access_log": Case(allow("dsl", "deputy_dsl", other_school_dsl=404), kwargs=_child),
    "pupils:household": Case(
        child_level(allow("dsl", "deputy_dsl", "headteacher", other_school_dsl=404)),
        kwargs=_household,
    ),
    # Another school's DSL sees their own (empty) list.
    "pupils:suggestions": Case(allow("dsl", "deputy_dsl", "other_school_dsl")),
    "pupils:suggestion_decide": Case(
        allow("dsl", "deputy_dsl", other_school_dsl=404),
        kwargs=_suggestion,
        post=lambda w: {"decision": "reject", "reason": "Posted by the access table."},
    ),
    # A CTF for the world's school, previewed (a batch and its stored upload) when allowed.
    "pupils:import_upload": Case(
        allow(*_importers, "other_school_dsl"), post=_ctf_upload, post_by="school_admin"
    ),
    "pupils:import_preview": Case(allow(*_importers, other_school_dsl=404), kwargs=_batch),
    # The batch's file is gone in this test world: the importer is sent back to upload again.
    "pupils:import_commit": Case(
        allow(*_importers, ok=302, other_school_dsl=404), kwargs=_batch, method="post"
    ),
}
