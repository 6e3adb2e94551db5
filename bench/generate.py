"""A deterministic synthetic trust at any scale, written through Cairn's own importers.

    python -m bench.generate --pupils 40000 --schools 40 --years 1 --database-url sqlite:///x

The same seed gives the same trust. People are synthetic (Faker en_GB, seeded).
"""

import argparse
import os
from dataclasses import dataclass

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


def generate(*, pupils: int, schools: int, years: int, seed: int) -> GeneratedTrust:
    """Build the trust; `years` of registers and records are added as their importers land."""
    del years
    staff = _trust_and_staff(schools)
    _pupils(pupils, schools, seed)
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
