"""Bundle and import a child's child protection file: 1,000 chronology entries and 50 attached
files (issue 19's benchmark row).

    python -m bench.transfer [--database-url URL] [--entries 1000] [--attachments 50]
                             [--attachment-kb 200] [--json]

A fresh database (SQLite in bench/data unless --database-url names another, which must be empty
and migrated) gets a child with about `--entries` records written through Cairn's own history
importer (concerns, decisions, behaviour) and `--attachments` files attached to their concerns
(each `--attachment-kb` of random bytes with a PNG signature). The sending DSL prepares the
transfer (the whole file read through the chronology's sources, the JSON, the PDF, the manifest,
the zip and the seal, `transfer.services.transfer_prepare`); the receiving school's DSL imports it
(`transfer.services.bundle_import`: open, check every hash, write every record and file). Each is
timed once, beside a reference measured on the same child: opening the child's chronology
(`chronology.selectors.chronology_for`), which the bundle must do anyway.
"""

import argparse
import hashlib
import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import DATA, Row, write_results


def _database(url: str | None) -> str:
    if url:
        return url
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "bench-transfer.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:  # noqa: PLR0915 (one readable script: set up, time, report)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--attachments", type=int, default=50)
    parser.add_argument("--attachment-kb", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = _database(args.database_url)
    os.environ["CAIRN_PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="cairn-bench-transfer-")
    os.environ["CAIRN_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    from bench.suite import _django

    _django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from bench.concerns import make_chronology_fixture
    from chronology.selectors import ChronologyFilters, chronology_for
    from concerns.models import Attachment, Concern
    from pupils.models import Enrolment, Pupil
    from schools.models import Membership, Phase, Role, School
    from transfer import services

    if url.startswith("sqlite"):
        call_command("migrate", verbosity=0)
    pupil_id, dsl_email = make_chronology_fixture(entries=args.entries)
    pupil = Pupil.objects.get(pk=pupil_id)
    dsl = Membership.objects.get(user__email=dsl_email, role=Role.DSL)
    rng = random.Random(19)
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    concerns = list(Concern.objects.filter(parts__pupil=pupil).order_by("occurred_at"))
    for n in range(args.attachments):
        data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(args.attachment_kb * 1024)
        stored = uuid.uuid4().hex
        (folder / stored).write_bytes(data)
        Attachment.objects.create(
            concern=concerns[n % len(concerns)],
            original_name=f"photo-{n:02d}.png",
            content_type="image/png",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            stored_name=stored,
            uploaded_by=dsl,
            uploaded_at=timezone.now(),
        )
    receiving = School.objects.create(
        urn="969002",
        la_code="969",
        establishment_number="2002",
        name="Bench Receiving School",
        phase=Phase.PRIMARY,
    )
    Enrolment.objects.create(pupil=pupil, school=receiving, start_date=timezone.localdate())
    receiver = Membership.objects.create(
        user=Membership.objects.get(pk=dsl.pk).user, school=receiving, role=Role.DSL
    )

    begun = time.perf_counter()
    chronology = chronology_for(viewer=dsl, pupils=[pupil], filters=ChronologyFilters())
    read_s = time.perf_counter() - begun

    transfer = services.transfer_start(
        actor=dsl,
        pupil=pupil,
        left_on=timezone.localdate(),
        to_school_name=receiving.name,
        to_school_urn=receiving.urn,
    )
    begun = time.perf_counter()
    transfer, passphrase = services.transfer_prepare(actor=dsl, transfer=transfer)
    bundle_s = time.perf_counter() - begun
    sealed = services.bundle_bytes(transfer)

    begun = time.perf_counter()
    received = services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    import_s = time.perf_counter() - begun
    assert received.records == len(chronology.entries)
    assert received.attachments == args.attachments

    database = "postgresql" if url.startswith("postgres") else "sqlite"
    scale = f"{received.records} entries, {received.attachments} files"
    size = {"sealed_mb": round(len(sealed) / 1024 / 1024, 1)}
    rows = [
        Row(
            what="transfer: bundle and seal a child's file",
            scale=scale,
            database=database,
            value=bundle_s,
            unit="s",
            reference_what="open the same chronology (s)",
            reference_value=read_s,
            extra=size,
        ),
        Row(
            what="transfer: open, check and import it",
            scale=scale,
            database=database,
            value=import_s,
            unit="s",
            reference_what="open the same chronology (s)",
            reference_value=read_s,
            extra=size,
        ),
    ]
    path = write_results(f"transfer-{database}", rows)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=1))
    else:
        for row in rows:
            print(row.line())
        print(f"sealed file {size['sealed_mb']} MB; results in {path}")


if __name__ == "__main__":
    main()
