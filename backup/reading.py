"""Reading an archive: every chunk authenticated, every member checked against the manifest."""

import contextlib
import hashlib
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from backup.crypto import ArchiveError, DecryptingReader
from backup.manifest import COPY_BLOCK, MANIFEST, BackupError, Manifest, folder_roots


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    allowed = {"database", *folder_roots()}
    if (
        path.is_absolute()
        or ".." in path.parts
        or (name != MANIFEST and (len(path.parts) < 2 or path.parts[0] not in allowed))
    ):
        raise BackupError(
            f"The archive holds an unexpected entry ({name!r}): it was not made by Cairn."
        )
    return path


# Regular files as Cairn writes them (tarfile's "0" and the old "\0"); not sparse or contiguous.
_PLAIN_FILE = frozenset({tarfile.REGTYPE, tarfile.AREGTYPE})


def _contents(reader: DecryptingReader, member: tarfile.TarInfo) -> Iterator[memoryview]:
    """A member's contents, in pieces that are views of the decrypted chunks."""
    reader.seek(member.offset_data)
    left = member.size
    while left:
        block = reader.read1(min(left, COPY_BLOCK))
        if not block:
            raise tarfile.ReadError(f"{member.name} ends early: unexpected end of data")
        left -= len(block)
        yield block


def archive_read(
    source: BinaryIO,
    *,
    secret: bytes,
    extract: Callable[[PurePosixPath], Path] | None = None,
) -> Manifest:
    """Decrypt and check a whole archive: every chunk authenticated, every file's hash and size
    against the manifest, no file missing or extra. With `extract`, each file is written where
    it says (given the member's path) as it is read; the caller discards them if this raises.
    Raises BackupError."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_data: bytes | None = None
    try:
        reader = DecryptingReader(source, secret)
        # tarfile reads the headers (mode "r:", through the reader's tell and forward seek); each
        # member's contents are taken straight from the decrypted chunks (_contents) rather than
        # through tarfile's stream buffer and file object, which copied every byte three times.
        with tarfile.open(fileobj=reader, mode="r:") as tar:  # type: ignore[call-overload]
            for member in tar:
                path = _safe_member(member.name)
                if not member.isfile() or member.type not in _PLAIN_FILE:
                    raise BackupError(f"The archive holds {member.name!r}, which is not a file.")
                if member.name == MANIFEST:
                    manifest_data = b"".join(bytes(block) for block in _contents(reader, member))
                    continue
                digest = hashlib.sha256()
                size = 0
                with contextlib.ExitStack() as stack:
                    out = None
                    if extract is not None:
                        target = extract(path)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        out = stack.enter_context(target.open("xb"))
                    for block in _contents(reader, member):
                        digest.update(block)
                        size += len(block)
                        if out is not None:
                            out.write(block)
                seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
        # Read to the end, so the last chunk (flagged last, at its place) is authenticated too:
        # what follows the tar's end marker is padding, but an archive cut short must not open.
        while reader.read1(COPY_BLOCK):
            pass
    except ArchiveError as error:
        raise BackupError(f"The archive cannot be used: {error}.") from error
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"The archive's contents are damaged: {error}.") from error
    if manifest_data is None:
        raise BackupError("The archive has no manifest: it is incomplete.")
    manifest = Manifest.from_json(manifest_data)
    problems = [f"{name} is missing" for name in sorted(set(manifest.files) - set(seen))] + [
        f"{name} is not listed in the manifest" for name in sorted(set(seen) - set(manifest.files))
    ]
    problems += [
        f"{name} does not match its hash"
        for name, expected in sorted(manifest.files.items())
        if name in seen and seen[name] != expected
    ]
    if manifest.database_member not in seen:
        problems.append("the database copy is missing")
    if problems:
        raise BackupError("The archive does not match its manifest: " + "; ".join(problems) + ".")
    return manifest
