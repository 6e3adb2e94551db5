"""A deterministic synthetic trust at any scale, written through Cairn's own importers.

    python -m bench.generate --pupils 40000 --schools 40 --years 1 --database-url sqlite:///x

The same seed gives the same trust. People are synthetic (Faker en_GB, seeded).
"""

import argparse
import os
import random
from dataclasses import dataclass
from datetime import date
from typing import Any

DEFAULT_PASSWORD = "bench-password-not-for-use"


@dataclass(frozen=True)
class GeneratedTrust:
    schools: int
    pupils: int
    staff_emails: tuple[str, ...]


def school_code(n: int) -> tuple[str, str, str]:
    """URN, LA code and establishment number of the n-th benchmark school (1-based)."""
    return f"{960000 + n:06d}", "960", f"{2000 + n:04d}"


def _trust_and_staff(schools: int) -> list[str]:
    from accounts.models import User
    from schools.models import Membership, Phase, Role, School, Trust

    trust = Trust.objects.create(name="Bench Learning Trust", trust_lead_child_access=True)
    emails = []
    users = []
    for n in range(1, schools + 1):
        urn, la, estab = school_code(n)
        school = School.objects.create(
            trust=trust,
            urn=urn,
            la_code=la,
            establishment_number=estab,
            name=f"Bench School {n}",
            phase=Phase.SECONDARY if n % 3 == 0 else Phase.PRIMARY,
        )
        for role, local in [
            (Role.DSL, "dsl"),
            (Role.DEPUTY_DSL, "deputy"),
            (Role.HEADTEACHER, "head"),
            (Role.STAFF, "teacher"),
            (Role.STAFF, "teacher2"),
            (Role.GOVERNOR, "governor"),
        ]:
            email = f"{local}@school{n}.bench.example"
            user = User(email=email, full_name=f"{local.title()} {n}")
            users.append((user, school, role))
            emails.append(email)
    User.objects.bulk_create([u for u, _, _ in users])
    hashed = User(email="x")
    hashed.set_password(DEFAULT_PASSWORD)
    User.objects.filter(email__endswith=".bench.example").update(password=hashed.password)
    Membership.objects.bulk_create([Membership(user=u, school=s, role=r) for u, s, r in users])
    lead = User.objects.create_user(
        email="lead@bench.example", password=DEFAULT_PASSWORD, full_name="Trust Lead"
    )
    Membership.objects.create(user=lead, trust=trust, role=Role.TRUST_LEAD)
    return [*emails, lead.email]


def _pupils(pupils: int, schools: int, seed: int) -> None:
    """Each school's pupils, contacts and addresses, through the Common Transfer File importer."""
    import io

    from django.core.management import call_command

    from bench.common import DATA
    from bench.ctf import write_ctf

    folder = DATA / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    per_school, extra = divmod(pupils, schools)
    for n in range(1, schools + 1):
        _urn, la, estab = school_code(n)
        count = per_school + (1 if n <= extra else 0)
        path = write_ctf(
            folder / f"{la}{estab}_CTF_{count}_{seed}.xml",
            pupils=count,
            seed=seed * 1000 + n,
            la_code=la,
            establishment_number=estab,
        )
        call_command("import_ctf", str(path), stdout=io.StringIO(), stderr=io.StringIO())


# The mix of concern categories, neglect the most common (national-reviews.md: neglect in three
# quarters of reviews; the school-level mix is a Cairn assumption for synthetic data only).
CATEGORY_WEIGHTS = {
    "neglect": 34,
    "emotional": 14,
    "mental_health": 12,
    "domestic_abuse": 10,
    "physical": 8,
    "child_on_child": 7,
    "online_safety": 4,
    "absence": 4,
    "sexual": 2,
    "substance_misuse": 2,
    "missing": 1,
    "cce_cse": 1,
    "other": 1,
}
OUTCOME_WEIGHTS = {
    "nfa": 30,
    "monitor": 36,
    "early_help": 16,
    "social_care": 12,
    "police": 3,
    "other_agency": 3,
}
NEGLECT_TEXTS = [
    "Arrived hungry and asked for extra toast at breakfast club.",
    "Same uniform all week; it smells and other children have commented.",
    "Fell asleep in class again; said the baby kept everyone up.",
    "Collected 50 minutes late; no one answered the phone.",
    "Toothache for two weeks; mum says there is no dentist.",
    "No coat in the rain; shoes split at the sole.",
]
OTHER_TEXTS = [
    "Upset at registration; said there had been shouting at home last night.",
    "Bruise on the upper arm; said a cousin did it while playing.",
    "Withdrawn in lessons and not eating lunch this week.",
    "Told a friend she wants to stop living; friend told the teacher.",
    "Messages from an older boy asking for photos, shown to a teaching assistant.",
]


def _counts_per_child(rng: random.Random, n: int) -> list[int]:
    """Heavy-tailed: most children none, some one or two, a few many."""
    counts = []
    for _ in range(n):
        if rng.random() > 0.16:
            counts.append(0)
            continue
        k = 1
        while rng.random() < 0.55 and k < 40:
            k += 1
        counts.append(k)
    return counts


def _history_lines(
    rng: random.Random, upns: list[str], *, years: int, today: date
) -> list[dict[str, Any]]:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Europe/London")
    lines: list[dict[str, Any]] = []
    span_days = 365 * years
    categories = list(CATEGORY_WEIGHTS)
    outcomes = list(OUTCOME_WEIGHTS)
    for upn, count in zip(upns, _counts_per_child(rng, len(upns)), strict=True):
        for k in range(count):
            day = today - timedelta(days=1 + rng.randrange(span_days))
            moment = datetime.combine(day, datetime.min.time(), tz) + timedelta(
                hours=8 + rng.randrange(8), minutes=rng.randrange(60)
            )
            category = rng.choices(categories, weights=list(CATEGORY_WEIGHTS.values()))[0]
            ref = f"gen-{upn}-{k}"
            lines.append(
                {
                    "kind": "concern",
                    "upn": upn,
                    "occurred_at": moment.isoformat(),
                    "written_at": (moment + timedelta(hours=rng.randrange(1, 6))).isoformat(),
                    "author": {
                        "name": rng.choice(["A. Teacher", "B. Assistant", "C. Lunch"]),
                        "role": "Staff",
                    },
                    "text": rng.choice(NEGLECT_TEXTS if category == "neglect" else OTHER_TEXTS),
                    "categories": [category],
                    "source_ref": ref,
                }
            )
            if rng.random() < 0.85:
                outcome = rng.choices(outcomes, weights=list(OUTCOME_WEIGHTS.values()))[0]
                decided = moment + timedelta(days=rng.randrange(0, 4), hours=2)
                decided = min(decided, datetime.combine(today, datetime.min.time(), tz))
                record = {
                    "kind": "decision",
                    "upn": upn,
                    "occurred_at": decided.isoformat(),
                    "author": {"name": "D. Lead", "role": "DSL"},
                    "text": "Considered with the child's earlier records; reasons recorded.",
                    "concern_ref": ref,
                    "outcome": outcome,
                }
                if outcome == "monitor":
                    record["review_date"] = (decided.date() + timedelta(days=28)).isoformat()
                lines.append(record)
        if rng.random() < 0.2:
            for b in range(1 + int(rng.paretovariate(1.6))):
                day = today - timedelta(days=1 + rng.randrange(span_days))
                lines.append(
                    {
                        "kind": "behaviour",
                        "upn": upn,
                        "occurred_at": f"{day.isoformat()}T13:{rng.randrange(10, 59)}:00+00:00",
                        "author": {"name": "A. Teacher", "role": "Staff"},
                        "text": "Refused to work and left the classroom.",
                        "incident_type": rng.choice(
                            ["Disruption", "Physical aggression", "Refusal"]
                        ),
                        "source_ref": f"gen-b-{upn}-{b}",
                    }
                )
    lines.sort(key=lambda r: (r["kind"] != "concern", r["occurred_at"]))
    return lines


def school_weeks(today: date) -> list[date]:
    """The Mondays of this academic year's school weeks up to last week (holidays left out)."""
    from datetime import timedelta

    start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=4) < today:
        half_term = monday.month == 10 and monday.day >= 24
        christmas = (monday.month == 12 and monday.day >= 20) or (
            monday.month == 1 and monday.day <= 3
        )
        if not (half_term or christmas):
            weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def _records(schools: int, years: int, seed: int) -> dict[str, int]:
    """A year's registers (through the attendance importer), concerns, decisions and behaviour
    (through the history importer) and the child's voice (through the voice services)."""
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from bench.attendance import _PROFILES, _week_pool
    from bench.common import DATA
    from concerns.importers.history import import_history
    from pupils.models import Enrolment, Pupil
    from schools.models import Membership, Role, School
    from voice.services import VoiceContent, voice_entry_record

    rng = random.Random(seed)
    folder = DATA / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    pools = [(share, _week_pool(rng, absence, codes)) for share, absence, codes in _PROFILES]
    shares = [share for share, _ in pools]
    today = timezone.localdate()
    totals = {"marks": 0, "history_lines": 0, "voice_entries": 0}
    for n in range(1, schools + 1):
        urn, _la, _estab = school_code(n)
        school = School.objects.get(urn=urn)
        starts = dict(
            Enrolment.objects.filter(school=school).values_list("pupil__upn", "start_date")
        )
        upns = sorted(starts)
        weeks = school_weeks(today)
        registers = folder / f"registers-{urn}-{seed}.csv"
        with registers.open("w", encoding="utf-8") as handle:
            handle.write("urn,upn,week_start,marks\n")
            for upn in upns:
                pool = rng.choices(pools, weights=shares)[0][1]
                handle.writelines(
                    f"{urn},{upn},{monday.isoformat()},{rng.choice(pool)}\n"
                    for monday in weeks
                    if monday >= starts[upn]
                )
        call_command(
            "import_attendance", str(registers), stdout=io.StringIO(), stderr=io.StringIO()
        )
        totals["marks"] += len(upns) * len(weeks) * 10
        dsl = Membership.objects.get(school=school, role=Role.DSL, is_active=True)
        lines = _history_lines(rng, upns, years=years, today=today)
        import_history(actor=dsl, lines=enumerate(lines, start=1), source_system="generator")
        totals["history_lines"] += len(lines)
        teacher = Membership.objects.filter(school=school, role=Role.STAFF).select_related("user")[
            0
        ]
        heard = rng.sample(upns, k=max(1, len(upns) // 50))
        for upn in heard:
            voice_entry_record(
                actor=teacher,
                pupil=Pupil.objects.get(upn=upn),
                content=VoiceContent(
                    occurred_at=timezone.now() - timedelta(days=rng.randrange(1, 60)),
                    words="I like it here. At home it's noisy and I don't sleep much.",
                    asked_by=teacher.user.full_name,
                    place="Quiet room",
                ),
            )
        totals["voice_entries"] += len(heard)
    return totals


def generate(
    *, pupils: int, schools: int, years: int, seed: int, records: bool = True
) -> GeneratedTrust:
    """Build the trust: staff, then pupils (CTF importer), then, unless `records` is off,
    registers, concerns, decisions, behaviour and voice entries over `years` years."""
    staff = _trust_and_staff(schools)
    _pupils(pupils, schools, seed)
    if records:
        _records(schools, years, seed)
    return GeneratedTrust(schools=schools, pupils=pupils, staff_emails=tuple(staff))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--schools", type=int, default=1)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    from bench.suite import _django

    _django(args.database_url)
    result = generate(pupils=args.pupils, schools=args.schools, years=args.years, seed=args.seed)
    print(f"Generated {result.pupils} pupils in {result.schools} schools.")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
