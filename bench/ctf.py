"""CTF import benchmark: a deterministic, streaming CTF generator and a timed import.

    python -m bench.ctf --pupils 10000            # generate, import, print the result as JSON
    python -m bench.ctf --pupils 50000 --workdir /tmp/ctf-bench

`bench_import_ctf` is what the bench harness calls. The import runs in a fresh Python process
so its peak resident memory (ru_maxrss) is its own; the reference is a bare defusedxml iterparse
of the same file, which is what "streaming" costs at the least. Flat memory shows as a peak that
barely moves from 10,000 to 50,000 pupils while the file grows five-fold.
"""

import argparse
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent

_FORENAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "Finley",
    "Arlo",
    "William",
    "Lucas",
    "Roman",
    "Tommy",
    "Isaac",
    "Teddy",
]
_SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
]
_STREETS = [
    "Mill",
    "Church",
    "Station",
    "Park",
    "Victoria",
    "Green",
    "Manor",
    "Kings",
    "Queens",
    "New",
    "High",
    "School",
]
_STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Way")
_TOWNS = ("Nowhereton", "Fictionby", "Sampleford", "Testbury")
_ETHNICITIES = ["WBRI"] * 12 + ["WOTH", "MWBC", "AIND", "APKN", "BAFR", "CHNE", "MOTH", "NOBT"]


def _upn(la_code: str, establishment_number: str, index: int) -> str:
    from pupils.upn import upn_make

    if index >= 100_000:
        raise ValueError("The generator makes up to 100,000 distinct UPNs per school.")
    return upn_make(
        la_code=la_code,
        establishment_number=establishment_number,
        year=index // 1000,
        serial=index % 1000,
    )


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def _pupil_xml(rng: random.Random, upn: str, family: dict[str, Any]) -> str:
    sex = rng.choice("MF")
    dob = date(2010, 9, 1) + timedelta(days=rng.randrange(11 * 365))
    year = max(0, min(11, 2025 - dob.year - 5))
    forename = rng.choice(_FORENAMES)
    parts = [
        "<Pupil>",
        _el("UPN", upn),
        _el("Surname", family["surname"].upper()),
        _el("Forename", forename.upper()),
        _el("DOB", dob.isoformat()),
        _el("Sex", sex),
        "<BasicDetails>",
        _el("PreferredSurname", family["surname"]),
        _el("PreferredForename", forename),
        _el("NCyearActual", "R" if year == 0 else year),
        _el("Ethnicity", rng.choice(_ETHNICITIES)),
        _el("EthnicitySource", "P"),
        "<Languages><Type>",
        _el("LanguageType", "F"),
        _el("Language", "ENG" if rng.random() < 0.8 else "POL"),
        "</Type></Languages>",
        _el("MedicalFlag", "false"),
        "<Disabilities>",
        _el("Disability", "NONE" if rng.random() < 0.95 else "VIS"),
        "</Disabilities>",
        _el("EnrolStatus", "C"),
        "</BasicDetails>",
    ]
    if rng.random() < 0.25:
        parts += [
            "<FSMhistory>",
            _el("FSMreviewDate", "2025-07-31"),
            "<FSMinstance>",
            _el("FSMstartDate", (dob + timedelta(days=2000)).isoformat()),
            _el("UKcountry", "ENG"),
            "</FSMinstance></FSMhistory>",
        ]
    parts += ["<LookedAfter>", _el("InCare", "true" if rng.random() < 0.01 else "false")]
    parts += ["</LookedAfter>"]
    if rng.random() < 0.15:
        parts += [
            "<SENhistory><SEN>",
            _el("StartDate", "2023-09-05"),
            _el("SENprovision", "K" if rng.random() < 0.8 else "E"),
            "</SEN><SENneeds><SENneed>",
            _el("SENtypeRank", 1),
            _el("SENtype", rng.choice(["SLCN", "SEMH", "MLD", "ASD"])),
            "</SENneed></SENneeds></SENhistory>",
        ]
    parts += [
        "<Address><BS7666Address>",
        _el("PAON", family["paon"]),
        _el("Street", family["street"]),
        _el("Town", family["town"]),
        "</BS7666Address>",
        _el("PostCode", family["postcode"]),
        "</Address>",
        "<Phones><Phone>",
        _el("TelephoneType", "H"),
        _el("PhoneNo", family["home_phone"]),
        "</Phone></Phones>",
        "<Contacts>",
    ]
    for order, contact in enumerate(family["contacts"], start=1):
        parts += [
            "<Contact>",
            _el("Order", order),
            _el("Title", contact["title"]),
            _el("Surname", contact["surname"].upper()),
            _el("Forename", contact["forename"]),
            _el("Relationship", contact["relationship"]),
            _el("Responsibility", "true" if contact["pr"] else "false"),
            _el("AddressAsPupil", "true" if contact["lives_with"] else "false"),
            "<Phones><Phone>",
            _el("TelephoneType", "M"),
            _el("PhoneNo", contact["mobile"]),
            "</Phone></Phones>",
            _el("Email", contact["email"]),
            "</Contact>",
        ]
    parts += [
        "</Contacts>",
        "<Attendance><YearData>",
        _el("Year", 2024),
        _el("SessionsPossible", 380),
        _el("SessionsAuthorised", rng.randrange(30)),
        _el("SessionsUnauthorised", rng.randrange(10)),
        "</YearData></Attendance>",
        "<SchoolHistory><School>",
        _el("LEA", "999"),
        _el("Estab", "9999"),
        _el("SchoolName", "Fictional Primary School"),
        _el("EntryDate", "2018-09-04"),
        _el("LeavingDate", "2025-07-22"),
        "</School></SchoolHistory>",
        "</Pupil>\n",
    ]
    return "".join(parts)


def _family(rng: random.Random, index: int) -> dict[str, Any]:
    surname = rng.choice(_SURNAMES)
    mother = rng.choice(_FORENAMES[:20])
    father = rng.choice(_FORENAMES[20:])
    contacts = [
        {
            "title": "Ms",
            "forename": mother,
            "surname": surname,
            "relationship": "PAM",
            "pr": True,
            "lives_with": True,
            "mobile": f"07700 9{index % 100000:05d}",
            "email": f"{mother.lower()}.{surname.lower()}{index}@example.com",
        },
        {
            "title": "Mr",
            "forename": father,
            "surname": surname,
            "relationship": "PAF",
            "pr": rng.random() < 0.8,
            "lives_with": rng.random() < 0.6,
            "mobile": f"07700 8{index % 100000:05d}",
            "email": "",
        },
    ]
    return {
        "surname": surname,
        "paon": str(1 + index % 200),
        "street": f"{rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}",
        "town": rng.choice(_TOWNS),
        "postcode": f"ZZ{index % 90 + 10} {index % 9}{'ABDEFGHJLNPQRSTUWXYZ'[index % 20]}Z",
        "home_phone": f"01632 {index % 1000000:06d}",
        "contacts": contacts,
    }


def iter_ctf(
    *, pupils: int, seed: int, la_code: str, establishment_number: str, version: str
) -> Iterator[str]:
    """The file, piece by piece. About one pupil in five is a sibling of the one before."""
    rng = random.Random(seed)
    yield '<?xml version="1.0" encoding="utf-8"?>\n<CTfile>\n<Header>'
    yield _el("DocumentName", "Common Transfer File") + _el("CTFversion", version)
    yield _el("DateTime", "2025-09-15T10:30:00") + _el("DocumentQualifier", "full")
    yield _el("SupplierID", "CAIRN-BENCH")
    yield "<SourceSchool>" + _el("LEA", "999") + _el("Estab", "9999") + _el("URN", "999999")
    yield _el("SchoolName", "Fictional Primary School") + _el("AcademicYear", 2025)
    yield "</SourceSchool><DestSchool>" + _el("LEA", la_code) + _el("Estab", establishment_number)
    yield "</DestSchool></Header>\n<CTFpupilData>\n"
    family: dict[str, Any] = {}
    for index in range(pupils):
        if index == 0 or rng.random() >= 0.2:
            family = _family(rng, index)
        yield _pupil_xml(rng, _upn(la_code, establishment_number, index), family)
    yield "</CTFpupilData>\n</CTfile>\n"


def write_ctf(
    path: Path,
    *,
    pupils: int,
    seed: int,
    la_code: str,
    establishment_number: str,
    version: str | None = None,
) -> Path:
    """Write a realistic synthetic CTF with `pupils` children, contacts and addresses,
    incrementally (memory does not grow with the file). Same arguments, same bytes."""
    if version is None:
        from pupils.importers.ctf import accepted_versions

        version = accepted_versions()[0]
    with Path(path).open("w", encoding="utf-8") as handle:
        for piece in iter_ctf(
            pupils=pupils,
            seed=seed,
            la_code=la_code,
            establishment_number=establishment_number,
            version=version,
        ):
            handle.write(piece)
    return Path(path)


_CHILD = """
import json, resource, sys, time
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
# Production runs with DEBUG off; with it on, Django keeps the last 9,000 queries in memory.
settings.DEBUG = False
mode, path, la, estab = sys.argv[1:5]
if mode == "reference":
    from defusedxml.ElementTree import iterparse
    start = time.perf_counter()
    count = 0
    with open(path, "rb") as stream:
        for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
            if element.tag == "Pupil":
                count += 1
                element.clear()
    seconds = time.perf_counter() - start
else:
    call_command("migrate", verbosity=0)
    from schools.models import Phase, School
    school = School.objects.filter(la_code=la, establishment_number=estab).first()
    if school is None:
        urn = f"{int(la) % 10}{int(estab):04d}7"[-6:].rjust(6, "9")
        school = School.objects.create(urn=urn, la_code=la, establishment_number=estab,
            name="Bench Academy", phase=Phase.SECONDARY)
    from pupils.importers.apply import import_file
    from pupils.models import ImportKind
    start = time.perf_counter()
    with open(path, "rb") as stream:
        result = import_file(kind=ImportKind.CTF, stream=stream, file_name=path.split("/")[-1],
            school=school, actor=None, dry_run=False)
    seconds = time.perf_counter() - start
    count = result.total
print(json.dumps({"seconds": seconds, "count": count,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(mode: str, path: Path, la_code: str, establishment_number: str) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("CAIRN_UPLOAD_LIMIT_CTF_MB", str(4 << 10))  # a trust-sized file: 4 GB
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path), la_code, establishment_number],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_import_ctf(
    *,
    pupils: int,
    workdir: Path,
    seed: int = 20_260_901,
    la_code: str = "998",
    establishment_number: str = "4321",
) -> dict[str, Any]:
    """Generate a CTF of `pupils` children, import it through Cairn's importer into the
    configured database (a new school 998/4321 unless it exists; a re-run re-imports and finds
    nothing to change) and compare with a bare iterparse of the same file."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{la_code}{establishment_number}_CTF_bench_{pupils}.xml"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        write_ctf(
            path,
            pupils=pupils,
            seed=seed,
            la_code=la_code,
            establishment_number=establishment_number,
        )
    reference = _child("reference", path, la_code, establishment_number)
    run = _child("import", path, la_code, establishment_number)
    return {
        "what": "CTF import",
        "scale": pupils,
        "throughput": round(pupils / run["seconds"], 1),
        "unit": "pupils/s",
        "peak_mb": round(run["peak_mb"], 1),
        "file_mb": round(path.stat().st_size / (1024 * 1024), 1),
        "reference_what": "bare iterparse of the same file",
        "reference_seconds": round(reference["seconds"], 3),
        "reference_peak_mb": round(reference["peak_mb"], 1),
        "seconds": round(run["seconds"], 2),
        "ratio": round(run["seconds"] / reference["seconds"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    print(json.dumps(bench_import_ctf(pupils=args.pupils, workdir=args.workdir), indent=2))


if __name__ == "__main__":
    main()
