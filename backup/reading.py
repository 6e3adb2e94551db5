"""Reading an archive: every chunk authenticated, every member checked against the manifest."""

import contextlib
import hashlib
import tarfile
from collections.abc import Callable
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
        with tarfile.open(  # type: ignore[call-overload]
            fileobj=reader, mode="r|", bufsize=COPY_BLOCK
        ) as tar:
            for member in tar:
                path = _safe_member(member.name)
                if not member.isfile():
                    raise BackupError(f"The archive holds {member.name!r}, which is not a file.")
                extracted = tar.extractfile(member)
                assert extracted is not None
                if member.name == MANIFEST:
                    manifest_data = extracted.read()
                    continue
                digest = hashlib.sha256()
                size = 0
                with contextlib.ExitStack() as stack:
                    out = None
                    if extract is not None:
                        target = extract(path)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        out = stack.enter_context(target.open("xb"))
                    while block := extracted.read(COPY_BLOCK):
                        digest.update(block)
                        size += len(block)
                        if out is not None:
                            out.write(block)
                seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
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
