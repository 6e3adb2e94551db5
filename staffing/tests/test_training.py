"""The training register: due dates across years (time-machine), who is overdue by role, the
evidence upload's checks, the CSV import all or nothing, and each person's own record."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from schools.models import Role
from schools.tests.factories import MembershipFactory
from staffing import selectors, services
from staffing.models import RecordSource, TrainingRecord, TrainingType
from staffing.training import Standing, add_months, next_due, requirement

pytestmark = pytest.mark.django_db


def _record(actor, person, kind, day, provider="The DSL"):
    return services.training_record(
        actor=actor, person=person, training_type=kind, completed_on=day, provider=provider
    )


def test_add_months_keeps_the_day_or_the_months_last_day():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 11, 15), 14) == datetime.date(2027, 1, 15)
    assert add_months(datetime.date(2024, 2, 29), 24) == datetime.date(2026, 2, 28)


def test_next_due_follows_the_intervals():
    day = datetime.date(2024, 9, 2)
    assert next_due(TrainingType.ANNUAL_UPDATE, day) == datetime.date(2025, 9, 2)
    assert next_due(TrainingType.DSL_FORMAL, day) == datetime.date(2026, 9, 2)
    assert next_due(TrainingType.INDUCTION, day) is None


def test_dsl_formal_training_falls_overdue_after_two_years(time_machine, dsl, headteacher):
    time_machine.move_to("2024-06-01T09:00:00+00:00", tick=False)
    _record(headteacher, dsl, TrainingType.DSL_FORMAL, datetime.date(2024, 5, 20))

    def standing(on: str) -> Standing:
        time_machine.move_to(f"{on}T09:00:00+00:00", tick=False)
        entry = selectors.training_of(dsl, as_of=datetime.date.fromisoformat(on))
        return next(r for r in entry.requirements if r.training_type == "dsl_formal").standing

    assert standing("2025-12-31") == Standing.UP_TO_DATE
    assert standing("2026-05-01") == Standing.DUE_SOON
    assert standing("2026-05-20") == Standing.DUE_SOON
    assert standing("2026-05-21") == Standing.OVERDUE
    assert standing("2027-01-04") == Standing.OVERDUE


def test_the_annual_update_crosses_the_new_year(time_machine, teacher, dsl):
    time_machine.move_to("2025-12-15T09:00:00+00:00", tick=False)
    _record(dsl, teacher, TrainingType.ANNUAL_UPDATE, datetime.date(2024, 12, 31))
    records = list(TrainingRecord.objects.filter(person=teacher))
    before = requirement(TrainingType.ANNUAL_UPDATE, records, as_of=datetime.date(2025, 12, 31))
    after = requirement(TrainingType.ANNUAL_UPDATE, records, as_of=datetime.date(2026, 1, 1))
    assert before.standing == Standing.DUE_SOON
    assert before.due_on == datetime.date(2025, 12, 31)
    assert after.standing == Standing.OVERDUE
    # A newer record puts them back up to date; the old one stays.
    _record(dsl, teacher, TrainingType.ANNUAL_UPDATE, datetime.date(2025, 12, 10))
    records = list(TrainingRecord.objects.filter(person=teacher))
    assert len(records) == 2
    latest = requirement(TrainingType.ANNUAL_UPDATE, records, as_of=datetime.date(2026, 1, 1))
    assert latest.standing == Standing.UP_TO_DATE
    assert latest.latest.completed_on == datetime.date(2025, 12, 10)


def test_training_completed_after_the_day_asked_about_does_not_count(dsl, teacher):
    _record(dsl, teacher, TrainingType.INDUCTION, datetime.date(2025, 9, 1))
    records = list(TrainingRecord.objects.filter(person=teacher))
    early = requirement(TrainingType.INDUCTION, records, as_of=datetime.date(2025, 8, 31))
    assert early.standing == Standing.NOT_RECORDED
    on_time = requirement(TrainingType.INDUCTION, records, as_of=datetime.date(2025, 9, 1))
    assert on_time.standing == Standing.UP_TO_DATE
    assert on_time.due_on is None


def test_who_is_overdue_by_role(time_machine, school, dsl, teacher, other_teacher, governor):
    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    for kind in ("induction", "annual_update", "kcsie_part_one", "online_safety", "neglect"):
        _record(dsl, teacher, kind, datetime.date(2025, 9, 1))
    _record(dsl, governor, "induction", datetime.date(2024, 1, 10))
    _record(dsl, governor, "annual_update", datetime.date(2024, 1, 10))
    register = selectors.register_for(school_id=school.pk, as_of=datetime.date(2026, 3, 2))
    by_person = {e.person.pk: e for e in register}
    assert by_person[teacher.pk].up_to_date
    assert not by_person[other_teacher.pk].up_to_date
    governor_gaps = [r.training_type for r in by_person[governor.pk].needing_action]
    assert governor_gaps == ["annual_update"]
    by_role = {r.role: r for r in selectors.compliance_by_role(register)}
    assert by_role["Member of staff"].people == 2
    assert by_role["Member of staff"].up_to_date == 1
    assert by_role["Member of staff"].needing_action == 1
    assert by_role["Governor"].up_to_date == 0
    compliance = selectors.compliance_for(school_ids=[school.pk], as_of=datetime.date(2026, 3, 2))
    assert compliance.people == 4
    assert compliance.up_to_date == 1


def test_a_record_is_refused_for_someone_at_another_school_or_in_the_future(
    dsl, other_school_dsl, teacher
):
    with pytest.raises(ValidationError, match="works at your school"):
        _record(dsl, other_school_dsl, "induction", datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="today or in the past"):
        _record(dsl, teacher, "induction", datetime.date(2999, 1, 1))
    with pytest.raises(ValidationError, match="who provided"):
        _record(dsl, teacher, "induction", datetime.date(2025, 1, 1), provider="  ")
    assert not TrainingRecord.objects.exists()


def test_evidence_is_checked_by_type_size_and_first_bytes(dsl, teacher, settings):
    def upload(name: str, body: bytes) -> TrainingRecord:
        return services.training_record(
            actor=dsl,
            person=teacher,
            training_type="induction",
            completed_on=datetime.date(2025, 9, 1),
            provider="The DSL",
            evidence=SimpleUploadedFile(name, body),
        )

    with pytest.raises(ValidationError, match="not accepted"):
        upload("run.exe", b"MZ")
    with pytest.raises(ValidationError, match=r"not a \.pdf file"):
        upload("certificate.pdf", b"not a pdf")
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "training_evidence": 8}
    with pytest.raises(ValidationError, match="evidence of training"):
        upload("certificate.pdf", b"%PDF-1.4 and more")
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "training_evidence": 1000}
    record = upload("certificate.pdf", b"%PDF-1.4 certificate")
    assert record.has_evidence
    assert services.evidence_path(record).read_bytes() == b"%PDF-1.4 certificate"
    assert record.evidence_content_type == "application/pdf"


def _csv(*lines: str) -> bytes:
    return "\n".join(["email,training,completed_on,provider", *lines]).encode()


def test_import_writes_every_row(dsl, teacher, other_teacher):
    content = _csv(
        "teacher@oakfield.example,Annual safeguarding update,2025-09-01,Local authority",
        "TEACHER2@oakfield.example,neglect,01/09/2025,NSPCC",
    )
    assert services.training_import(actor=dsl, content=content) == 2
    rows = TrainingRecord.objects.order_by("training_type")
    assert [(r.person, r.training_type, r.source) for r in rows] == [
        (teacher, "annual_update", RecordSource.IMPORT),
        (other_teacher, "neglect", RecordSource.IMPORT),
    ]
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_IMPORTED)
    assert event.details == {"rows": 2}


def test_import_is_all_or_nothing_with_each_line_named(dsl, teacher):
    content = _csv(
        "teacher@oakfield.example,Annual safeguarding update,2025-09-01,Local authority",
        "nobody@elsewhere.example,Juggling,31/02/2025,",
        "teacher@oakfield.example,Prevent awareness,2999-01-01,Home Office",
    )
    with pytest.raises(ValidationError) as caught:
        services.training_import(actor=dsl, content=content)
    messages = caught.value.messages
    assert messages[0].startswith("Line 3: nobody at the school has the email")
    assert "'Juggling' is not a kind of training" in messages[0]
    assert "'31/02/2025' is not a date" in messages[0]
    assert "the provider is missing" in messages[0]
    assert messages[1] == "Line 4: the date is in the future."
    assert not TrainingRecord.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TRAINING_IMPORTED).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"email,training\nx,y", "Line 1: the file has no completed_on, provider column."),
        (b"email,training,completed_on,provider\n", "The file has no rows of training."),
        (b"\xff\xfe\x00bad", "The file is not UTF-8 text. Save it as CSV UTF-8."),
    ],
)
def test_import_refuses_a_file_it_cannot_read(dsl, content, message):
    with pytest.raises(ValidationError) as caught:
        services.training_import(actor=dsl, content=content)
    assert caught.value.messages == [message]


def test_import_refuses_a_file_over_the_limit_and_a_long_provider(dsl, teacher, settings):
    long = "x" * 201
    with pytest.raises(ValidationError, match="longer than 200"):
        services.training_import(
            actor=dsl, content=_csv(f"teacher@oakfield.example,neglect,2025-09-01,{long}")
        )
    settings.CAIRN_UPLOAD_LIMITS = {**settings.CAIRN_UPLOAD_LIMITS, "staffing_csv": 10}
    with pytest.raises(ValidationError, match="training or practice reviews CSV"):
        services.training_import(actor=dsl, content=_csv("a,b,c,d"))


def test_the_import_page_lists_the_lines_and_saves_nothing(client_for, dsl, teacher):
    client = client_for(dsl)
    bad = SimpleUploadedFile("t.csv", _csv("teacher@oakfield.example,Juggling,2025-09-01,X"))
    response = client.post(reverse("staffing:import"), {"file": bad})
    assert response.status_code == 400
    assert "Line 2: &#x27;Juggling&#x27; is not a kind of training." in response.content.decode()
    good = SimpleUploadedFile("t.csv", _csv("teacher@oakfield.example,neglect,2025-09-01,X"))
    response = client.post(reverse("staffing:import"), {"file": good})
    assert response.status_code == 302
    assert TrainingRecord.objects.count() == 1


def test_recording_training_over_http_with_a_certificate(client_for, dsl, teacher):
    client = client_for(dsl)
    page = client.get(reverse("staffing:record"))
    assert page.status_code == 200
    response = client.post(
        reverse("staffing:record"),
        {
            "person": str(teacher.pk),
            "training_type": "kcsie_part_one",
            "completed_on_day": "4",
            "completed_on_month": "9",
            "completed_on_year": "2025",
            "provider": "Read in school",
            "evidence": SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed"),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert response["Location"] == reverse("staffing:person", args=[teacher.pk])
    refused = client.post(
        reverse("staffing:record"),
        {
            "person": str(teacher.pk),
            "training_type": "kcsie_part_one",
            "completed_on_day": "4",
            "completed_on_month": "9",
            "completed_on_year": "2025",
            "provider": "Read in school",
            "evidence": SimpleUploadedFile("signed.pdf", b"not really"),
        },
    )
    assert refused.status_code == 400
    assert "not a .pdf file" in refused.content.decode()
    assert TrainingRecord.objects.count() == 1
    # The teacher opens their own certificate; a colleague cannot.
    mine = client_for(teacher).get(reverse("staffing:evidence", args=[record.pk]))
    assert mine.status_code == 200
    assert mine.content == b"%PDF-1.4 signed"
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_EVIDENCE_OPENED).count() == 1


def test_staff_see_their_own_record_and_the_register_shows_who_is_overdue(
    time_machine, client_for, school, dsl, headteacher, teacher
):
    time_machine.move_to("2026-03-02T09:00:00+00:00", tick=False)
    _record(dsl, teacher, "annual_update", datetime.date(2024, 9, 1))
    mine = client_for(teacher).get(reverse("staffing:mine"))
    body = mine.content.decode()
    assert mine.status_code == 200
    assert "Your safeguarding training" in body
    assert "Overdue" in body
    assert "Record training" not in body
    register = client_for(headteacher).get(reverse("staffing:register") + "?show=action")
    text = register.content.decode()
    assert register.status_code == 200
    assert "overdue since 1 Sep 2025" in text
    assert "teacher@oakfield.example" in text
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_REGISTER_VIEWED).exists()
    home = client_for(headteacher).get(reverse("schools:home")).content.decode()
    assert "0 of 3 people are up to date with their safeguarding training" in home


def test_someone_with_two_roles_is_imported_under_the_first(school, dsl):
    person = MembershipFactory(
        school=school, role=Role.STAFF, user__email="two@oakfield.example", user__full_name="Two"
    )
    MembershipFactory(school=school, role=Role.GOVERNOR, user=person.user)
    services.training_import(actor=dsl, content=_csv("two@oakfield.example,neglect,2025-09-01,X"))
    assert TrainingRecord.objects.get().person.user_id == person.user_id


def test_the_command_imports_all_or_nothing_and_checks_first(tmp_path, school, dsl, teacher):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "training.csv"
    path.write_bytes(_csv("teacher@oakfield.example,neglect,2025-09-01,NSPCC"))
    out = StringIO()
    args = [str(path), "--school", school.urn, "--as", "DSL@oakfield.example"]
    call_command("import_training", *args, "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 training record checked; nothing written (dry run)."
    assert not TrainingRecord.objects.exists()
    call_command("import_training", *args, stdout=out)
    assert TrainingRecord.objects.count() == 1
    path.write_bytes(_csv("teacher@oakfield.example,Juggling,2025-09-01,X"))
    with pytest.raises(CommandError, match="Line 2: 'Juggling' is not a kind of training"):
        call_command("import_training", *args)
    with pytest.raises(CommandError, match="keeps the training register"):
        call_command("import_training", str(path), "--school", school.urn, "--as", "x@y.example")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_training", str(tmp_path / "none.csv"), "--school", "1", "--as", "x")
    assert TrainingRecord.objects.count() == 1


def test_the_governors_report_shows_training_compliance_as_totals(
    time_machine, client_for, school, dsl, headteacher, teacher, governor
):
    from tests.pdf import pdf_text

    time_machine.move_to("2025-12-15T09:00:00+00:00", tick=False)
    _record(dsl, teacher, "annual_update", datetime.date(2025, 9, 1))
    dashboard = client_for(governor).get(reverse("analytics:school") + "?term=2025-autumn")
    body = dashboard.content.decode()
    assert "Safeguarding training: who is up to date" in body
    assert "teacher@oakfield.example" not in body
    report = client_for(headteacher).get(reverse("analytics:report") + "?term=2025-autumn")
    text = pdf_text(report.content)
    assert "Safeguarding training: who is up to date" in text
    assert "fewer than 5" in text
