"""Each refusal of the backup commands names the problem and writes nothing."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backup import archive
from backup.crypto import (
    HEADER_SIZE,
    ArchiveError,
    DecryptingReader,
    EncryptingWriter,
    WrongKeyError,
    archive_is_complete,
    key_file_create,
    key_file_read,
)

# Backups read the database through another connection (PostgreSQL) or the backup API (SQLite):
# the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "backup.key"
    key_file_create(path)
    return path


def test_a_key_is_never_overwritten_and_a_short_one_is_refused(tmp_path, key_file):
    with pytest.raises(CommandError, match="a key is never overwritten"):
        call_command("backup_key", str(key_file))
    call_command("backup_key", str(tmp_path / "second.key"))
    assert len(key_file_read(tmp_path / "second.key")) == 44  # 256 bits, base64
    short = tmp_path / "short.key"
    short.write_text("too short\n")
    with pytest.raises(CommandError, match="fewer than 16 characters"):
        call_command("backup", str(tmp_path / "a.cairn"), key_file=str(short))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("backup", str(tmp_path / "a.cairn"), key_file=str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("backup_key", str(tmp_path / "no-folder" / "k"))


def test_without_a_key_the_commands_say_how_to_make_one(tmp_path, settings):
    settings.CAIRN_BACKUP_KEY_FILE = ""
    with pytest.raises(CommandError, match="backup_key"):
        call_command("backup", str(tmp_path / "a.cairn"))


def test_the_key_file_setting_is_used(tmp_path, key_file, settings):
    settings.CAIRN_BACKUP_KEY_FILE = str(key_file)
    call_command("backup", str(tmp_path / "a.cairn"))
    call_command("restore", str(tmp_path / "a.cairn"), check_only=True)


def test_a_backup_never_overwrites_and_needs_its_folder(tmp_path, key_file):
    existing = tmp_path / "a.cairn"
    existing.write_bytes(b"earlier")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing), key_file=str(key_file))
    assert existing.read_bytes() == b"earlier"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "a.cairn"), key_file=str(key_file))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "nowhere.cairn"), key_file=str(key_file))


def test_a_file_that_is_not_an_archive_is_named_so(tmp_path, key_file):
    other = tmp_path / "notes.txt"
    other.write_bytes(b"Minutes of the governors' meeting, autumn term." * 10)
    with pytest.raises(CommandError, match="not a Cairn backup archive"):
        call_command("restore", str(other), key_file=str(key_file))
    cut = tmp_path / "cut.cairn"
    cut.write_bytes(archive_header_only(key_file))
    with pytest.raises(CommandError, match="ends inside its header"):
        call_command("restore", str(cut), key_file=str(key_file))


def archive_header_only(key_file: Path) -> bytes:
    import io

    out = io.BytesIO()
    EncryptingWriter(out, key_file_read(key_file))
    return out.getvalue()[:50]


def _sealed(tmp_path: Path, key_file: Path, members: dict[str, bytes]) -> Path:
    """An archive built by hand, encrypted with the right key: only its contents are wrong."""
    import io
    import tarfile

    path = tmp_path / "hand.cairn"
    with path.open("wb") as raw:
        writer = EncryptingWriter(raw, key_file_read(key_file), chunk_size=4096)
        with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        writer.close()
    return path


def _manifest(**overrides) -> bytes:
    fields = {
        "vendor": "sqlite",
        "database_member": archive.SQLITE_MEMBER,
        "migrations": [],
        "tables": {},
        "audit": {"events": 0, "seq": 0, "seal": ""},
        "files": {},
        "format": archive.FORMAT_VERSION,
    }
    fields.update(overrides)
    return json.dumps(fields).encode()


def test_contents_that_do_not_match_the_manifest_are_refused(tmp_path, key_file):
    cases = [
        ({"../escape": b"x"}, "unexpected entry"),
        ({"media/a": b"x"}, "has no manifest"),
        ({archive.MANIFEST: b"{not json"}, "manifest cannot be read"),
        ({archive.MANIFEST: _manifest(format=99)}, "reads format 1"),
        (
            {"media/a": b"x", archive.MANIFEST: _manifest()},
            "media/a is not listed in the manifest; the database copy is missing",
        ),
        (
            {
                archive.SQLITE_MEMBER: b"db",
                "media/a": b"changed",
                archive.MANIFEST: _manifest(
                    files={
                        archive.SQLITE_MEMBER: {
                            "sha256": "1" * 64,
                            "size": 2,
                        },
                        "media/a": {"sha256": "0" * 64, "size": 1},
                        "media/b": {"sha256": "0" * 64, "size": 1},
                    }
                ),
            },
            "media/b is missing",
        ),
    ]
    for members, message in cases:
        path = _sealed(tmp_path, key_file, members)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(path), key_file=str(key_file), check_only=True)
        path.unlink()


def test_the_restore_checks_the_database_kind_and_the_migrations(tmp_path, key_file, school):
    path = tmp_path / "a.cairn"
    call_command("backup", str(path), key_file=str(key_file))
    with path.open("rb") as source:
        manifest = archive.archive_read(source, secret=key_file_read(key_file))
    manifest.vendor = "oracle"
    with pytest.raises(archive.BackupError, match="holds a oracle database"):
        archive._check_restorable(manifest, replace=True)
    manifest.vendor = (
        "sqlite" if manifest.database_member == archive.SQLITE_MEMBER else "postgresql"
    )
    manifest.migrations.append(["pupils", "9999_from_the_future"])
    with pytest.raises(archive.BackupError, match="9999_from_the_future"):
        archive._check_restorable(manifest, replace=True)
    manifest.migrations.pop()
    with pytest.raises(archive.BackupError, match="already holds records"):
        archive._check_restorable(manifest, replace=False)


def test_files_in_the_folders_stop_a_restore_without_replace(tmp_path, key_file, settings):
    path = tmp_path / "a.cairn"
    call_command("backup", str(path), key_file=str(key_file))
    with path.open("rb") as source:
        manifest = archive.archive_read(source, secret=key_file_read(key_file))
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"
    folder.mkdir(parents=True)
    (folder / "left-over").write_bytes(b"x")
    with pytest.raises(archive.BackupError, match="already holds files"):
        archive._check_restorable(manifest, replace=False)


def test_the_reader_refuses_a_chunk_shorter_than_its_tag(tmp_path, key_file):
    import io

    out = io.BytesIO()
    EncryptingWriter(out, key_file_read(key_file))  # a header and nothing after it
    with pytest.raises(ArchiveError, match="incomplete"):
        DecryptingReader(io.BytesIO(out.getvalue() + b"short"), key_file_read(key_file)).read()
    writer = EncryptingWriter(io.BytesIO(), key_file_read(key_file))
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"more")


def _encrypted(secret: bytes, data: bytes, chunk_size: int = 1024 * 1024) -> bytes:
    import io

    out = io.BytesIO()
    writer = EncryptingWriter(out, secret, chunk_size=chunk_size)
    writer.write(data)
    writer.close()
    return out.getvalue()


def test_a_random_key_is_not_stretched_and_a_passphrase_is(key_file):
    import io

    random_key, passphrase = key_file_read(key_file), b"a long passphrase an operator chose"
    fast, slow = _encrypted(random_key, b"records"), _encrypted(passphrase, b"records")
    assert fast[8:11] == bytes([0, 0, 0])  # HKDF: a 256-bit random key needs no stretching
    assert slow[8:11] == bytes([15, 8, 1])  # scrypt for anything else
    assert DecryptingReader(io.BytesIO(fast), random_key).read() == b"records"
    assert DecryptingReader(io.BytesIO(slow), passphrase).read() == b"records"
    # A header changed to ask a passphrase's archive for the cheap derivation does not open.
    cheapened = bytearray(slow)
    cheapened[8:11] = bytes([0, 0, 0])
    with pytest.raises(WrongKeyError, match="the key does not open this archive"):
        DecryptingReader(io.BytesIO(bytes(cheapened)), passphrase)


def test_the_completeness_check_catches_a_short_or_changed_end(tmp_path, key_file):
    import io

    secret = key_file_read(key_file)
    whole = _encrypted(secret, b"x" * 5000, chunk_size=1024)  # four full chunks and a last one
    archive_is_complete(io.BytesIO(whole), secret)
    sealed = 1024 + 16
    cut_at_a_chunk = whole[: HEADER_SIZE + 3 * sealed]  # ends on a full chunk not marked last
    cut_inside = whole[:-7]
    changed = bytearray(whole)
    changed[-1] ^= 0x01
    for damaged in (cut_at_a_chunk, cut_inside, bytes(changed), whole[:HEADER_SIZE]):
        with pytest.raises(ArchiveError, match="incomplete"):
            archive_is_complete(io.BytesIO(damaged), secret)
    other = tmp_path / "other.key"
    key_file_create(other)
    with pytest.raises(WrongKeyError):
        archive_is_complete(io.BytesIO(whole), key_file_read(other))


def _whole_archive(tmp_path: Path, key_file: Path) -> Path:
    """A small archive whose contents match its manifest (a database copy and one file)."""
    import hashlib

    database, attachment = b"not really a database", b"%PDF-1.4 a synthetic letter"
    files = {
        archive.SQLITE_MEMBER: {"sha256": hashlib.sha256(database).hexdigest(), "size": 21},
        "media/letter.pdf": {"sha256": hashlib.sha256(attachment).hexdigest(), "size": 27},
    }
    return _sealed(
        tmp_path,
        key_file,
        {
            archive.SQLITE_MEMBER: database,
            "media/letter.pdf": attachment,
            archive.MANIFEST: _manifest(files=files),
        },
    )


def test_an_archive_cut_after_the_end_of_its_contents_is_still_refused(tmp_path, key_file):
    """The tar ends (two empty blocks) well before the archive does (padding to 10 KiB): a copy
    cut short in the padding has everything the restore needs, but not its last part, so it is
    refused like any other cut copy."""
    import io

    path = _whole_archive(tmp_path, key_file)
    with path.open("rb") as source:
        archive.archive_read(source, secret=key_file_read(key_file))  # whole: it opens
    whole = path.read_bytes()
    sealed = 4096 + 16
    assert len(whole) == HEADER_SIZE + 3 * sealed - 2048  # two full chunks and a half one
    for cut in (whole[: HEADER_SIZE + sealed], whole[: HEADER_SIZE + 2 * sealed]):
        with pytest.raises(archive.BackupError, match="damaged or incomplete"):
            archive.archive_read(io.BytesIO(cut), secret=key_file_read(key_file))


def test_a_member_that_is_not_a_plain_file_is_refused(tmp_path, key_file):
    import io
    import tarfile

    path = tmp_path / "odd.cairn"
    with path.open("wb") as raw:
        writer = EncryptingWriter(raw, key_file_read(key_file), chunk_size=4096)
        with tarfile.open(fileobj=writer, mode="w") as tar:  # type: ignore[call-overload]
            info = tarfile.TarInfo("media/contiguous")
            info.type = tarfile.CONTTYPE  # read as a file by tarfile, never written by Cairn
            info.size = 3
            tar.addfile(info, io.BytesIO(b"abc"))
        writer.close()
    with pytest.raises(CommandError, match="which is not a file"):
        call_command("restore", str(path), key_file=str(key_file), check_only=True)


def test_the_writer_seals_the_same_chunks_however_it_is_written_to(key_file):
    """Whole chunks are sealed straight from what is written, and only a chunk that spans two
    writes is gathered: the chunks, and what reads back, do not depend on the sizes written."""
    import io
    import os
    import random

    secret = key_file_read(key_file)
    chunk = 1024
    data = os.urandom(9 * chunk + 100)
    rng = random.Random(15)
    for start in ([len(data)], [1] * 50 + [len(data)], [chunk] * 10, [chunk + 1, 0, chunk - 1]):
        sizes = start + [rng.randint(1, 3 * chunk) for _ in range(20)]
        out = io.BytesIO()
        writer = EncryptingWriter(out, secret, chunk_size=chunk)
        at = 0
        for size in sizes:
            piece = data[at : at + size]
            writer.write(piece if size % 2 else bytearray(piece))
            at += len(piece)
        writer.close()
        assert writer.tell() == len(data)
        assert len(out.getvalue()) == HEADER_SIZE + 9 * (chunk + 16) + 100 + 16  # and the last
        reader = DecryptingReader(io.BytesIO(out.getvalue()), secret)
        assert reader.read(10) + bytes(reader.read1(5000)) + reader.read() == data


def test_the_reader_goes_forward_only(key_file):
    import io

    secret = key_file_read(key_file)
    reader = DecryptingReader(io.BytesIO(_encrypted(secret, b"0123456789" * 300, 1024)), secret)
    assert reader.seek(2500) == 2500
    assert reader.read(4) == b"0123"
    assert reader.tell() == 2504
    with pytest.raises(ArchiveError, match="cannot seek backwards"):
        reader.seek(100)
    assert reader.seek(10_000) == 3000  # past the end: at the end
    assert reader.read() == b""
