"""Who reaches each staffing URL. The training register is kept by the headteacher, the
safeguarding team and the school administrator; everyone at a school reads their own training.
The low-level concerns register (about the world's teacher) is read by the headteacher and the
DSL only: the deputy DSL is not named by the school's policy in this world, governors are not
the chair, and the teacher it is about never reaches it. Another school's DSL sees their own
school's (empty) register and is told there is no such adult or person here (404)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access_table import Case, allow, world_object


def build_training(w):
    """The teacher's annual update, with a certificate."""
    from staffing import services

    return services.training_record(
        actor=w.dsl,
        person=w.teacher,
        training_type="annual_update",
        completed_on=datetime.date(2025, 9, 1),
        provider="Local authority safeguarding team",
        evidence=SimpleUploadedFile("certificate.pdf", b"%PDF-1.4\n% certificate\n%%EOF\n"),
    )


def build_adult(w):
    """A low-level concern about the teacher, recorded by the DSL."""
    from staffing import services

    concern = services.low_level_concern_record(
        actor=w.dsl,
        member=w.teacher,
        happened_on=datetime.date(2025, 10, 6),
        raised_by="A colleague",
        what_happened="Shared a personal phone number with a pupil's parent.",
    )
    return concern.adult


_managers = ("headteacher", "dsl", "deputy_dsl", "school_admin", "other_school_dsl")
_school = (*_managers, "teacher", "governor", "attendance_lead")


def _person(w) -> dict[str, object]:
    return {"membership_id": w.teacher.pk}


def _record(w) -> dict[str, object]:
    return {"record_id": world_object(w, "training_record", build_training).pk}


def _adult(w) -> dict[str, object]:
    return {"adult_id": world_object(w, "low_level_adult", build_adult).pk}


def _training_post(w) -> dict[str, object]:
    return {
        "person": str(w.dsl.pk),
        "training_type": "neglect",
        "completed_on_day": "2",
        "completed_on_month": "3",
        "completed_on_year": "2025",
        "provider": "The DSL",
    }


def _llc_post(w) -> dict[str, object]:
    return {
        "about": "new",
        "full_name": "A visiting coach",
        "kind": "contractor",
        "happened_on_day": "1",
        "happened_on_month": "12",
        "happened_on_year": "2025",
        "raised_by": "A teaching assistant",
        "what_happened": "Took photographs at a match on a personal phone.",
    }


_readers = allow("headteacher", "dsl", "other_school_dsl")

CASES = {
    "staffing:register": Case(allow(*_managers)),
    "staffing:mine": Case(allow(*_school)),
    "staffing:record": Case(
        allow(*_managers),
        post=_training_post,
        writers=frozenset({"headteacher", "deputy_dsl", "school_admin"}),
        only_writers=True,
    ),
    "staffing:import": Case(allow(*_managers)),
    "staffing:person": Case(allow(*_managers, other_school_dsl=404), kwargs=_person),
    # The teacher's own certificate: theirs and the register's keepers'; other colleagues at the
    # school are told there is no such record.
    "staffing:evidence": Case(
        allow(
            *_managers,
            "teacher",
            other_teacher=404,
            governor=404,
            attendance_lead=404,
            other_school_dsl=404,
        ),
        kwargs=_record,
    ),
    "staffing:low_level_register": Case(_readers),
    "staffing:low_level_record": Case(
        _readers, post=_llc_post, post_by="headteacher", writers=frozenset({"dsl"})
    ),
    "staffing:low_level_policy": Case(allow("headteacher")),
    "staffing:low_level_adult": Case(
        allow("headteacher", "dsl", other_school_dsl=404), kwargs=_adult
    ),
    "staffing:low_level_adult_left": Case(
        allow("headteacher", "dsl", ok=400, other_school_dsl=404), kwargs=_adult, method="post"
    ),
}
