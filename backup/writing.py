"""Writing an archive: the snapshot, the folders and the manifest, hashed and encrypted in one
pass, under a hidden partial name until it is complete.

Every member is hashed from the bytes that go into the archive as they go in, and every chunk is
sealed as it is written, so nothing needs reading twice. Once written and flushed to disk, the
archive is checked for completeness (archive_is_complete: its header opens with the key and its
last chunk, read back from disk, authenticates at its place) and only then renamed to its name.
A restore, or `manage.py restore --check-only`, reads and checks every chunk and member."""

import hashlib
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from backup.crypto import ArchiveError, EncryptingWriter, archive_is_complete
from backup.manifest import COPY_BLOCK, MANIFEST, BackupError, Manifest, folder_roots
from backup.snapshot import cairn_version, snapshot


class _Hashing:
    """Reads through to a file, hashing what passes."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.digest.update(data)
        return data


def folder_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under root (symbolic links are not followed), in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _add(tar: tarfile.TarFile, path: Path, member: str, files: dict[str, dict[str, Any]]) -> None:
    try:
        source = path.open("rb")
    except FileNotFoundError:
        return  # removed since it was listed (an import upload cleared): not part of the copy
    with source:
        info = tar.gettarinfo(arcname=member, fileobj=source)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(source)
        tar.addfile(info, reader)
    files[member] = {"sha256": reader.digest.hexdigest(), "size": info.size}


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    manifest: Manifest

    def __str__(self) -> str:
        audit = self.manifest.audit
        trail = (
            f"the audit trail up to event #{audit['seq']}" if audit["seq"] else "no audit events"
        )
        return (
            f"Backup written to {self.path} ({self.size / 1_000_000:.1f} MB): "
            f"{len(self.manifest.tables)} tables holding {self.manifest.rows} rows, "
            f"{self.manifest.folder_files} file(s), {trail}. Its end was read back from disk and "
            "checked (`manage.py restore --check-only` reads and checks all of it). "
            "Keep the key file apart from the archive."
        )


def partial_name(dest: Path) -> Path:
    """Where an archive is written until it is complete and checked."""
    return dest.with_name(f".{dest.name}.partial-{os.getpid()}")


def backup_create(dest: Path, *, secret: bytes, work_dir: Path | None = None) -> BackupReport:
    """Write one archive to `dest` (a new file); on any failure or interruption, nothing is left
    under that name."""
    dest = Path(dest).absolute()
    if dest.exists():
        raise BackupError(f"{dest} already exists: give each backup a new name.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")
    partial = partial_name(dest)
    version, commit = cairn_version()
    with tempfile.TemporaryDirectory(prefix="cairn-backup-", dir=work_dir) as work:
        try:
            database_file, manifest = snapshot(Path(work))
            manifest.cairn_version, manifest.commit = version, commit
            manifest.created_at = datetime.now(tz=UTC).isoformat(timespec="seconds")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                writer = EncryptingWriter(raw, secret)
                # Mode "w" rather than the stream mode "w|": the bytes are the same, but the
                # stream mode gathers everything in a buffer of its own and re-slices it, three
                # more copies of every byte on its way to the cipher. The writer tells tarfile
                # where it stands (tell); nothing seeks.
                with tarfile.open(  # type: ignore[call-overload]
                    fileobj=writer, mode="w", format=tarfile.PAX_FORMAT, copybufsize=COPY_BLOCK
                ) as tar:
                    _add(tar, database_file, manifest.database_member, manifest.files)
                    database_file.unlink()
                    for prefix, root in folder_roots().items():
                        for path, relative in folder_files(root):
                            _add(tar, path, f"{prefix}/{relative}", manifest.files)
                    data = manifest.as_json()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(data)
                    info.mtime = int(datetime.now(tz=UTC).timestamp())
                    tar.addfile(info, _Bytes(data))
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            with partial.open("rb") as check:
                try:
                    archive_is_complete(check, secret)
                except ArchiveError as error:
                    raise BackupError(f"The archive was not written whole: {error}.") from error
            partial.rename(dest)
            _fsync_folder(dest.parent)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupReport(dest, dest.stat().st_size, manifest)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk = self._data[self._at : end]
        self._at += len(chunk)
        return chunk


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
