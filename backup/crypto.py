"""Authenticated encryption of a backup archive: AES-256-GCM, in chunks.

AES-GCM comes from pyca/cryptography, the maintained library Python projects use for it. The
stream format (docs/operations.md, "The archive"):

    header   = MAGIC, scrypt cost (log2 N, r, p), salt (16), nonce prefix (7), chunk size (4),
               key check (32)
    chunk i  = AES-256-GCM(plaintext[i], nonce = prefix ‖ i (4 bytes) ‖ last (1 byte),
               associated data = header) ‖ tag (16)

The key is derived from the contents of the operator's key file. A random key made by
`manage.py backup_key` (256 bits, base64) already has all the strength a key needs, so it goes
through HKDF-SHA256 (written as scrypt cost 0, 0, 0); anything else (a passphrase) goes through
scrypt, whose cost is there to slow down guessing. The key check (an HMAC of the header under a
second derived key) tells a wrong key from a damaged archive before anything is decrypted. Every
chunk is authenticated with the header, its place and whether it is the last, so an edited,
reordered, truncated or extended archive fails to open: a backup killed midway has no last chunk.
"""

import functools
import hashlib
import hmac
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC: Final = b"CAIRNBK\x01"
CHUNK_SIZE: Final = 1024 * 1024
TAG_SIZE: Final = 16
KEY_CHECK_SIZE: Final = 32
_SCRYPT_LOG2_N: Final = 15
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1
_HEADER = struct.Struct(">8sBBB16s7sI")
HEADER_SIZE: Final = _HEADER.size + KEY_CHECK_SIZE


class ArchiveError(Exception):
    """The archive cannot be opened: damaged, incomplete, not a Cairn archive or the wrong key."""


class WrongKeyError(ArchiveError):
    pass


def gcm_encrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes = b"") -> bytes:
    """AES-256-GCM: ciphertext ‖ 16-byte tag."""
    return AESGCM(key).encrypt(nonce, data, aad)


def gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes = b"") -> bytes:
    """The plaintext of ciphertext ‖ tag, or ArchiveError if it was not made with this key,
    nonce and associated data."""
    if len(sealed) < TAG_SIZE:
        raise ArchiveError("a chunk is shorter than its authentication tag")
    try:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except InvalidTag as error:
        raise ArchiveError("a chunk failed its authentication check") from error


# -- Keys --------------------------------------------------------------------------------------


def key_file_read(path: Path) -> bytes:
    """The secret in a key file (surrounding white space ignored); a clear error if unusable."""
    try:
        secret = Path(path).read_bytes().strip()
    except OSError as error:
        raise ArchiveError(f"The key file {path} cannot be read: {error.strerror}.") from error
    if len(secret) < 16:
        raise ArchiveError(
            f"The key file {path} holds fewer than 16 characters: too short to protect an archive."
        )
    return secret


def key_file_create(path: Path) -> None:
    """Write a new random key (256 bits, base64) to a new file readable by its owner only."""
    import base64

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")


# scrypt cost (log2 N, r, p) written when the key file holds a random 256-bit key: HKDF instead.
RANDOM_KEY_COSTS: Final = (0, 0, 0)


def is_random_key(secret: bytes) -> bool:
    """Whether the key file holds a key as `backup_key` makes them: 32 random bytes, base64."""
    import base64
    import binascii

    try:
        return len(secret) == 44 and len(base64.b64decode(secret, validate=True)) == 32
    except binascii.Error:
        return False


def _costs(secret: bytes) -> tuple[int, int, int]:
    if is_random_key(secret):
        return RANDOM_KEY_COSTS
    return _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P


@functools.lru_cache(maxsize=4)
def _derive(secret: bytes, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if (log2_n, r, p) == RANDOM_KEY_COSTS:
        # A random key needs no stretching (its 256 bits cannot be guessed). Were the header
        # changed to ask for this with a passphrase, the derived key would not pass the key check.
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        hkdf = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=b"cairn-backup-v1")
        derived = hkdf.derive(secret)
        return derived[:32], derived[32:]
    if not (10 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise ArchiveError("the archive's header asks for key-derivation costs Cairn never writes")
    derived = hashlib.scrypt(
        secret, salt=salt, n=2**log2_n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=64
    )
    return derived[:32], derived[32:]


# -- Streams -----------------------------------------------------------------------------------


class EncryptingWriter:
    """A write-only file object: what is written to it goes out encrypted, chunk by chunk.
    `close()` writes the last chunk; an archive whose writer was never closed does not open."""

    def __init__(self, out: BinaryIO, secret: bytes, *, chunk_size: int = CHUNK_SIZE) -> None:
        self._out = out
        self._chunk_size = chunk_size
        salt = secrets.token_bytes(16)
        self._prefix = secrets.token_bytes(7)
        costs = _costs(secret)
        key, check_key = _derive(secret, salt, *costs)
        self._aead = AESGCM(key)
        head = _HEADER.pack(MAGIC, *costs, salt, self._prefix, chunk_size)
        self._header = head + hmac.new(check_key, head, hashlib.sha256).digest()
        out.write(self._header)
        # The chunk being gathered and the sealed chunk: allocated once and reused, since a
        # new megabyte for each chunk costs the kernel's work of handing out fresh pages.
        self._plain = bytearray(chunk_size)
        self._filled = 0
        self._sealed = bytearray(chunk_size + TAG_SIZE)
        self._index = 0
        self._closed = False
        self.plaintext_bytes = 0

    def writable(self) -> bool:
        return True

    def _emit(self, data: memoryview, *, last: bool) -> None:
        nonce = self._prefix + struct.pack(">IB", self._index, 1 if last else 0)
        with memoryview(self._sealed)[: len(data) + TAG_SIZE] as sealed:
            self._aead.encrypt_into(nonce, data, self._header, sealed)
            self._out.write(sealed)
        self._index += 1

    def tell(self) -> int:
        """The plaintext written so far (tarfile asks, to know where the archive stands)."""
        return self.plaintext_bytes

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Encrypt whole chunks as they fill. A chunk is encrypted straight from `data` where it
        lies within it, and gathered only where it spans two writes, so each byte is copied at
        most once before it is encrypted. At least one byte is always kept back: the last chunk
        must be written by close()."""
        if self._closed:
            raise ValueError("write to a closed archive")
        size = self._chunk_size
        with memoryview(data) as view, memoryview(self._plain) as plain:
            length = len(view)
            self.plaintext_bytes += length
            at = 0
            if self._filled:
                wanted = size - self._filled
                if length <= wanted:
                    plain[self._filled : self._filled + length] = view
                    self._filled += length
                    return length
                plain[self._filled :] = view[:wanted]
                self._emit(plain, last=False)
                self._filled = 0
                at = wanted
            while length - at > size:
                self._emit(view[at : at + size], last=False)
                at += size
            self._filled = length - at
            plain[: self._filled] = view[at:]
        return length

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if not self._closed:
            with memoryview(self._plain) as plain:
                self._emit(plain[: self._filled], last=True)
            self._filled = 0
            self._closed = True
            self._out.flush()


def _open_header(source: BinaryIO, secret: bytes) -> tuple[bytes, bytes, bytes, int]:
    """The header, the chunk key, the nonce prefix and the chunk size; the key checked."""
    header = source.read(HEADER_SIZE)
    if len(header) < _HEADER.size or not header.startswith(MAGIC[:7]):
        raise ArchiveError("this is not a Cairn backup archive (its first bytes are wrong)")
    if len(header) < HEADER_SIZE:
        raise ArchiveError("the archive is incomplete: it ends inside its header")
    magic, log2_n, r, p, salt, prefix, chunk_size = _HEADER.unpack(header[: _HEADER.size])
    if magic != MAGIC:
        raise ArchiveError("the archive was made by a later version of Cairn's backup format")
    if not 1024 <= chunk_size <= 64 * 1024 * 1024:
        raise ArchiveError("the archive's header is damaged (its chunk size is impossible)")
    key, check_key = _derive(secret, salt, log2_n, r, p)
    expected = hmac.new(check_key, header[: _HEADER.size], hashlib.sha256).digest()
    if not hmac.compare_digest(expected, header[_HEADER.size :]):
        raise WrongKeyError(
            "the key does not open this archive (a different key file, or the archive's header "
            "was changed)"
        )
    return header, key, prefix, chunk_size


def _fill(source: BinaryIO, buffer: bytearray) -> int:
    """Read into `buffer` until it is full or the source ends; how many bytes were read."""
    have = 0
    with memoryview(buffer) as view:
        while have < len(buffer):
            got = source.readinto(view[have:])  # type: ignore[attr-defined]
            if not got:
                break
            have += got
    return have


def _chunks(source: BinaryIO, secret: bytes) -> Iterator[memoryview]:
    """Each chunk's plaintext, authenticated, as a view of one buffer that the next chunk
    overwrites (the caller is done with a chunk before it asks for the next). Each sealed
    chunk is read into one of two buffers, the one after it into the other: whether a chunk is
    the last is known before it is checked."""
    header, key, prefix, chunk_size = _open_header(source, secret)
    aead = AESGCM(key)
    sealed_size = chunk_size + TAG_SIZE
    plain = bytearray(chunk_size)
    current, following = bytearray(sealed_size), bytearray(sealed_size)
    have = _fill(source, current)
    index = 0
    while True:
        more = _fill(source, following) if have == sealed_size else 0
        last = more == 0
        nonce = prefix + struct.pack(">IB", index, 1 if last else 0)
        try:
            if have < TAG_SIZE:
                raise ArchiveError("a chunk is shorter than its authentication tag")
            size = have - TAG_SIZE
            try:
                aead.decrypt_into(
                    nonce, memoryview(current)[:have], header, memoryview(plain)[:size]
                )
            except InvalidTag as error:
                raise ArchiveError("a chunk failed its authentication check") from error
        except ArchiveError as error:
            if last:
                raise ArchiveError(
                    f"the archive is damaged or incomplete: its last part (part {index + 1}) "
                    "fails its check (a backup stopped midway, a truncated copy, or a changed "
                    "byte)"
                ) from error
            raise ArchiveError(
                f"the archive is damaged: part {index + 1} fails its check (a changed byte)"
            ) from error
        yield memoryview(plain)[:size]
        if last:
            return
        current, following = following, current
        have = more
        index += 1


def archive_is_complete(source: BinaryIO, secret: bytes) -> None:
    """Check, without reading it all, that a just-written archive is whole: the key opens its
    header, its length is a run of full chunks and one last one, and that last chunk (read from
    disk, flagged last, at its place) passes its authentication check. Raises ArchiveError.

    The chunks in between were sealed as they were written and are checked in full by every
    restore (and `restore --check-only`); what this catches is a short or failed write."""
    header, key, prefix, chunk_size = _open_header(source, secret)
    sealed_size = chunk_size + TAG_SIZE
    body = source.seek(0, os.SEEK_END) - HEADER_SIZE
    count = max(1, -(-body // sealed_size))
    last_at = HEADER_SIZE + (count - 1) * sealed_size
    source.seek(last_at)
    last = source.read(sealed_size)
    nonce = prefix + struct.pack(">IB", count - 1, 1)
    try:
        gcm_decrypt(key, nonce, last, header)
    except ArchiveError as error:
        raise ArchiveError(
            "the archive is incomplete: its last part fails its check (a short write)"
        ) from error


class DecryptingReader:
    """A read-only file object over an encrypted archive. Each chunk is authenticated before any
    of it is returned; ArchiveError is raised at the first chunk that fails.

    It tells its place and seeks forward (tarfile reads an archive's headers through them), and
    `read1` hands out the decrypted chunk in place, without copying it: every byte is still
    authenticated before it is seen, and the archive is still read once, front to back."""

    def __init__(self, source: BinaryIO, secret: bytes) -> None:
        self._chunks = _chunks(source, secret)
        self._chunk: bytes | memoryview = b""
        self._at = 0
        self._offset = 0  # where the current chunk starts in the plaintext
        self._done = False
        # Reading the header checks the key at once, before the caller writes anything.
        self._next()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def _next(self) -> None:
        self._offset += len(self._chunk)
        try:
            self._chunk, self._at = next(self._chunks), 0
        except StopIteration:
            self._chunk, self._at, self._done = b"", 0, True

    def tell(self) -> int:
        return self._offset + self._at

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        """Move forward to `position`, reading (and authenticating) what lies between; the
        archive is a stream, so going back is refused."""
        if whence != os.SEEK_SET or position < self.tell():
            raise ArchiveError("the archive is read front to back: it cannot seek backwards")
        while self.tell() < position:
            if self._at >= len(self._chunk):
                if self._done:
                    break
                self._next()
                continue
            self._at = min(len(self._chunk), self._at + position - self.tell())
        return self.tell()

    def read1(self, size: int) -> memoryview:
        """Up to `size` bytes (at least one, unless the archive has ended) from the current
        chunk, as a view of it: no copy is made, and the view is good until the next read."""
        while self._at >= len(self._chunk):
            if self._done:
                return memoryview(b"")
            self._next()
        end = min(len(self._chunk), self._at + size)
        view = memoryview(self._chunk)[self._at : end]
        self._at = end
        return view

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size
        while size < 0 or wanted > 0:
            if self._at >= len(self._chunk):
                if self._done:
                    break
                self._next()
                continue
            end = len(self._chunk) if size < 0 else min(len(self._chunk), self._at + wanted)
            parts.append(bytes(self._chunk[self._at : end]))  # the next chunk overwrites it
            wanted -= end - self._at
            self._at = end
        return b"".join(parts)
