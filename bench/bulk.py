"""A large synthetic trust in minutes, for the backup benchmark only (issue 15).

    python -m bench.bulk --pupils 40000 --schools 40 --database-url sqlite:///x

bench/generate.py writes a trust through Cairn's importers, which is what the import and page
benchmarks measure but takes most of an hour at 40,000 pupils. A backup does not care how the
rows arrived, only that they are there at a realistic size, that the audit trail verifies and that
attachments exist. So this writes the same trust shape in bulk through the ORM:

- staff and schools as bench/generate.py makes them;
- pupils, enrolments, addresses, contacts and the pupil's CTF element kept as its source record,
  read from the same seeded synthetic CTF files (bench/ctf.py) the importer would be given;
- a year of registers (one row per pupil per school week, the attendance bench's mark pools) and
  each school's columnar copy (attendance/columnar.py);
- concerns, first versions with categories, decisions and behaviour from generate.py's own
  history lines (same heavy-tailed mix), with the imported author kept as ImportOrigin;
- the audit trail appended through `audit.services.record` (one event per pupil added, per
  concern and decision imported and per register file), so `verify_audit` and a restore verify it.

Importer-only side work (household suggestions, status history, voice entries) is left out. The
same seed gives the same trust (identifiers apart, which are random UUIDs as in Cairn).
"""

import argparse
import os
import random
import xml.etree.ElementTree as ET
from datetime import date, datetime
from typing import Any

BATCH = 2000


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


_KINDS = {"PAM": "parent_pr", "PAF": "parent_pr", "CAR": "carer", "OTH": "other_adult"}


def _pupils(school: Any, count: int, seed: int, n: int, now: datetime) -> list[Any]:
    """The school's pupils and everything the CTF carries about them, in bulk."""
    from django.db import transaction

    from bench.common import DATA
    from bench.ctf import write_ctf
    from bench.generate import school_code
    from pupils.models import (
        Address,
        Enrolment,
        Person,
        Pupil,
        PupilAddress,
        PupilSourceRecord,
        Relationship,
    )

    _urn, la, estab = school_code(n)
    folder = DATA / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    path = write_ctf(
        folder / f"{la}{estab}_CTF_{count}_{seed}.xml",
        pupils=count,
        seed=seed * 1000 + n,
        la_code=la,
        establishment_number=estab,
    )
    created: list[Any] = []
    rows: dict[str, list[Any]] = {k: [] for k in ("pupil", "enrol", "src", "addr", "paddr")}
    people: list[Any] = []
    links: list[Any] = []

    def flush() -> None:
        with transaction.atomic():
            Pupil.objects.bulk_create(rows["pupil"], batch_size=BATCH)
            Address.objects.bulk_create(rows["addr"], batch_size=BATCH)
            Enrolment.objects.bulk_create(rows["enrol"], batch_size=BATCH)
            PupilSourceRecord.objects.bulk_create(rows["src"], batch_size=BATCH)
            PupilAddress.objects.bulk_create(rows["paddr"], batch_size=BATCH)
            Person.objects.bulk_create(people, batch_size=BATCH)
            Relationship.objects.bulk_create(links, batch_size=BATCH)
        created.extend(rows["pupil"])
        for bucket in (*rows.values(), people, links):
            bucket.clear()

    # The file is the one bench/ctf.py just wrote, not outside input.
    for _event, element in ET.iterparse(path, events=("end",)):  # noqa: S314
        if element.tag != "Pupil" or element.find("UPN") is None:
            continue
        year = _text(element, "BasicDetails/NCyearActual")
        pupil = Pupil(
            upn=_text(element, "UPN"),
            legal_forename=_text(element, "Forename").title(),
            legal_surname=_text(element, "Surname").title(),
            preferred_forename=_text(element, "BasicDetails/PreferredForename"),
            preferred_surname=_text(element, "BasicDetails/PreferredSurname"),
            date_of_birth=date.fromisoformat(_text(element, "DOB")),
            sex=_text(element, "Sex") or "U",
            ethnicity=_text(element, "BasicDetails/Ethnicity")[:4],
            year_group=year if year.isdigit() and 0 <= int(year) <= 14 else "",
        )
        rows["pupil"].append(pupil)
        start = date(now.year if now.month >= 9 else now.year - 1, 9, 1)
        rows["enrol"].append(Enrolment(pupil=pupil, school=school, start_date=start))
        raw = ET.tostring(element, encoding="unicode")
        rows["src"].append(PupilSourceRecord(pupil=pupil, file_name=path.name, kind="ctf", raw=raw))
        paon = _text(element, "Address/BS7666Address/PAON")
        street = _text(element, "Address/BS7666Address/Street")
        postcode = _text(element, "Address/PostCode")
        address = Address(
            paon=paon,
            street=street,
            town=_text(element, "Address/BS7666Address/Town"),
            postcode=postcode,
            match_key=f"{postcode.replace(' ', '')}|{paon} {street}".upper(),
        )
        rows["addr"].append(address)
        rows["paddr"].append(
            PupilAddress(pupil=pupil, address=address, from_date=start, source="ctf")
        )
        for contact in element.iterfind("Contacts/Contact"):
            phone = _text(contact, "Phones/Phone/PhoneNo")
            person = Person(
                school=school,
                title=_text(contact, "Title"),
                forename=_text(contact, "Forename") or "Unknown",
                surname=_text(contact, "Surname") or "Unknown",
                phones=[{"type": "M", "number": phone}] if phone else [],
                email=_text(contact, "Email"),
                phone_key=phone.replace(" ", ""),
                address=address,
                source="ctf",
            )
            people.append(person)
            code = _text(contact, "Relationship")
            order = _text(contact, "Order")
            links.append(
                Relationship(
                    pupil=pupil,
                    person=person,
                    kind=_KINDS.get(code, "other_adult"),
                    parental_responsibility=_text(contact, "Responsibility") == "true",
                    lives_with_pupil=_text(contact, "AddressAsPupil") == "true",
                    contact_priority=int(order) if order.isdigit() else None,
                    relationship_code=code[:10],
                    source="ctf",
                )
            )
        element.clear()
        if len(rows["pupil"]) >= BATCH:
            flush()
    flush()
    return created


def _registers(school: Any, pupils: list[Any], rng: random.Random, now: datetime) -> int:
    """A row per pupil per school week so far this year, from the attendance bench's pools."""
    from django.db import transaction

    from attendance.models import AttendanceImport, AttendanceWeek, ColumnarState
    from bench.attendance import _PROFILES, _week_pool
    from bench.generate import school_weeks

    pools = [
        (share, [w.replace("C2", "b") for w in _week_pool(rng, absence, codes)])
        for share, absence, codes in _PROFILES
    ]
    shares = [share for share, _ in pools]
    weeks = school_weeks(now.date())
    batch = AttendanceImport.objects.create(
        source="csv_weeks",
        file_name=f"registers-{school.urn}.csv",
        sha256="0" * 64,
        status="completed",
        marks_read=len(pupils) * len(weeks) * 10,
        weeks_created=len(pupils) * len(weeks),
    )
    rows = []
    with transaction.atomic():
        for pupil in pupils:
            pool = rng.choices(pools, weights=shares)[0][1]
            for monday in weeks:
                marks = rng.choice(pool)
                if len(marks) != 10:  # a two-character raw code left over: keep ten sessions
                    marks = (marks + "/" * 10)[:10]
                rows.append(
                    AttendanceWeek(
                        school=school,
                        pupil=pupil,
                        week_start=monday,
                        marks=marks,
                        last_import=batch,
                        recorded_at=now,
                    )
                )
            if len(rows) >= 10 * BATCH:
                AttendanceWeek.objects.bulk_create(rows, batch_size=BATCH)
                rows.clear()
        AttendanceWeek.objects.bulk_create(rows, batch_size=BATCH)
        ColumnarState.objects.update_or_create(school=school)
    return len(pupils) * len(weeks)


def _history(
    school: Any, pupils: list[Any], rng: random.Random, today: date
) -> tuple[list[Any], list[Any]]:
    """Concerns, decisions and behaviour from bench/generate.py's history lines, in bulk."""
    from django.db import transaction

    from bench.generate import _history_lines
    from concerns.models import (
        BehaviourIncident,
        Category,
        Concern,
        ConcernPupil,
        ConcernVersion,
        Decision,
        ImportOrigin,
    )

    by_upn = {p.upn: p for p in pupils}
    categories = {c.code: c for c in Category.objects.filter(school=school)}
    lines = _history_lines(rng, sorted(by_upn), years=1, today=today)
    concerns: dict[str, Any] = {}
    versions, parts, decisions, behaviour, origins = [], [], [], [], []
    for line in lines:
        pupil = by_upn[line["upn"]]
        if line["kind"] == "concern":
            written = datetime.fromisoformat(line["written_at"])
            concern = Concern(
                school=school,
                author_name=line["author"]["name"],
                author_role=line["author"]["role"],
                occurred_at=datetime.fromisoformat(line["occurred_at"]),
                written_at=written,
                source="import",
                source_system="generator",
                source_ref=line["source_ref"],
            )
            concerns[line["source_ref"]] = concern
            parts.append(ConcernPupil(concern=concern, pupil=pupil, part="subject"))
            versions.append(
                (
                    ConcernVersion(
                        concern=concern, number=1, facts=line["text"], written_at=written
                    ),
                    [categories[c] for c in line["categories"] if c in categories],
                )
            )
        elif line["kind"] == "decision":
            decided = datetime.fromisoformat(line["occurred_at"])
            decisions.append(
                Decision(
                    concern=concerns[line["concern_ref"]],
                    outcome=line["outcome"],
                    rationale=line["text"],
                    review_date=date.fromisoformat(line["review_date"])
                    if "review_date" in line
                    else None,
                    agency="Children's social care" if line["outcome"] == "social_care" else "",
                    decided_by_name=line["author"]["name"],
                    decided_at=decided,
                    written_at=decided,
                )
            )
        else:
            behaviour.append(
                BehaviourIncident(
                    school=school,
                    pupil=pupil,
                    occurred_at=datetime.fromisoformat(line["occurred_at"]),
                    incident_type=line["incident_type"],
                    description=line["text"],
                    author_name=line["author"]["name"],
                    source="import",
                    source_ref=line["source_ref"],
                    recorded_at=datetime.fromisoformat(line["occurred_at"]),
                )
            )
    with transaction.atomic():
        Concern.objects.bulk_create(concerns.values(), batch_size=BATCH)
        ConcernPupil.objects.bulk_create(parts, batch_size=BATCH)
        ConcernVersion.objects.bulk_create([v for v, _ in versions], batch_size=BATCH)
        through = ConcernVersion.categories.through
        through.objects.bulk_create(
            [
                through(concernversion_id=v.pk, category_id=c.pk)
                for v, chosen in versions
                for c in chosen
            ],
            batch_size=BATCH,
        )
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        BehaviourIncident.objects.bulk_create(behaviour, batch_size=BATCH)
        for concern in concerns.values():
            origins.append(
                ImportOrigin(
                    target="concerns.concern",
                    target_id=str(concern.pk),
                    name=concern.author_name,
                    role=concern.author_role,
                    source_system="generator",
                )
            )
        ImportOrigin.objects.bulk_create(origins, batch_size=BATCH)
    return list(concerns.values()), decisions


def _audit(school: Any, pupils: list[Any], concerns: list[Any], decisions: list[Any]) -> int:
    """The trail an import of these records leaves, appended through the audit app's own API
    (so the chain is sealed exactly as Cairn seals it)."""
    from django.db import transaction

    from audit import services as audit
    from audit.models import AuditAction
    from schools.models import Membership, Role

    dsl = Membership.objects.select_related("user").get(school=school, role=Role.DSL)
    with transaction.atomic():
        for pupil in pupils:
            audit.record(
                actor=dsl,
                action=AuditAction.PUPIL_ADDED_BY_IMPORT,
                target=pupil,
                pupil_id=pupil.pk,
                details={"upn": pupil.upn, "file": "bench-ctf", "year_group": pupil.year_group},
            )
        subjects = dict(school.concerns.values_list("id", "parts__pupil_id"))
        for record in [*concerns, *decisions]:
            concern_id = getattr(record, "concern_id", None) or record.pk
            audit.record(
                actor=dsl,
                action=AuditAction.HISTORY_IMPORTED,
                target=record,
                pupil_id=subjects.get(concern_id),
                details={"source_system": "generator", "kind": record._meta.model_name},
            )
    return len(pupils) + len(concerns) + len(decisions)


def generate(*, pupils: int, schools: int, seed: int) -> dict[str, int]:
    from django.utils import timezone

    from attendance import columnar
    from bench.generate import _trust_and_staff, school_code
    from schools.models import School

    _trust_and_staff(schools)
    now = timezone.now()
    rng = random.Random(seed)
    per_school, extra = divmod(pupils, schools)
    totals = {"pupils": 0, "weeks": 0, "concerns": 0, "decisions": 0, "audit_events": 0}
    school_ids = []
    for n in range(1, schools + 1):
        school = School.objects.get(urn=school_code(n)[0])
        school_ids.append(school.pk)
        made = _pupils(school, per_school + (1 if n <= extra else 0), seed, n, now)
        totals["pupils"] += len(made)
        totals["weeks"] += _registers(school, made, rng, timezone.localtime(now))
        concerns, decisions = _history(school, made, rng, timezone.localdate())
        totals["concerns"] += len(concerns)
        totals["decisions"] += len(decisions)
        totals["audit_events"] += _audit(school, made, concerns, decisions)
    columnar.ensure_current(school_ids=school_ids)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    from bench.suite import _django

    _django(args.database_url)
    totals = generate(pupils=args.pupils, schools=args.schools, seed=args.seed)
    print("Generated " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in totals.items()))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
