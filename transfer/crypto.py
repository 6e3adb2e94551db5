"""Sealing a transfer bundle to the receiving school, and signing the receipt that comes back.

Scheme `cairn-passphrase-2` (docs/transfer-format.md, "The sealed file"): a one-time passphrase
that Cairn makes when the file is prepared and the sending DSL gives the receiving DSL by another
route (a phone call, never in the same e-mail as the file). Standard, widely implemented
primitives, from maintained libraries (the standard library's scrypt and HMAC; AES-GCM from
pyca/cryptography), so that any product can open the file with its language's own library:

- scrypt (n=2^15, r=8, p=1) turns the passphrase and a random 16-byte salt into a 32-byte master
  key; HMAC-SHA256 of the master key with a label derives the separate keys below;
- AES-256-GCM with the encryption key and a random 12-byte nonce encrypts the contents, with the
  magic line and the header line as associated data, so any change to the header or the
  contents, a truncation or a wrong passphrase is detected before anything is read;
- a short check value tells a wrong passphrase from a changed file;
- the receipt key signs the receipt (HMAC-SHA256): the sender keeps only this key, never the
  passphrase, so it can verify the receipt without being able to open the file again.

A school-held key pair (X25519 with HKDF) would spare the phone call: the scheme name
`cairn-x25519-1` is reserved for it.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CAIRN-TRANSFER-1\n"
SCHEME = "cairn-passphrase-2"
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_TAG_BYTES = 16  # AES-GCM's tag, at the end of the ciphertext
_NONCE_BYTES = 12
# The passphrase's letters: no 0/O or 1/I/L to misread over the phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SealError(ValueError):
    """The sealed file cannot be opened; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class Keys:
    encryption: bytes
    receipt: bytes
    check: str


@dataclass(frozen=True, slots=True)
class Opened:
    header: dict[str, Any]
    contents: bytes
    receipt_key: bytes


def new_passphrase() -> str:
    """Five groups of five letters and digits (about 123 bits), easy to read out."""
    letters = "".join(secrets.choice(_ALPHABET) for _ in range(25))
    return "-".join(letters[i : i + 5] for i in range(0, 25, 5))


def normalise_passphrase(passphrase: str) -> str:
    """What the receiver typed, as it was made: spaces and case forgiven."""
    kept = "".join(c for c in passphrase.upper() if c.isalnum())
    return "-".join(kept[i : i + 5] for i in range(0, len(kept), 5))


def derive_keys(passphrase: str, salt: bytes, *, n: int = SCRYPT_N) -> Keys:
    master = hashlib.scrypt(
        normalise_passphrase(passphrase).encode(),
        salt=salt,
        n=n,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_SCRYPT_MAXMEM,
        dklen=32,
    )

    def sub(label: str) -> bytes:
        return hmac.new(master, label.encode(), hashlib.sha256).digest()

    return Keys(
        encryption=sub("encryption"),
        receipt=sub("receipt"),
        check=sub("check")[:8].hex(),
    )


def seal(contents: bytes, *, passphrase: str, header: dict[str, Any]) -> tuple[bytes, bytes]:
    """The sealed file, and the receipt key the sender keeps. `header` (who it is from and for)
    travels in the clear but is covered by the authentication tag."""
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    keys = derive_keys(passphrase, salt)
    full = {
        **header,
        "scheme": SCHEME,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()},
        "nonce": nonce.hex(),
        "check": keys.check,
        "length": len(contents) + _TAG_BYTES,
    }
    head = MAGIC + json.dumps(full, sort_keys=True).encode() + b"\n"
    body = AESGCM(keys.encryption).encrypt(nonce, contents, head)
    return head + body, keys.receipt


def read_header(sealed: bytes) -> dict[str, Any]:
    """The header of a sealed file, unverified (who it says it is for), or SealError."""
    if not sealed.startswith(MAGIC):
        raise SealError("This is not a Cairn transfer file.")
    end = sealed.find(b"\n", len(MAGIC))
    if end < 0:
        raise SealError("The file is incomplete: it stops before its header ends.")
    try:
        header = json.loads(sealed[len(MAGIC) : end])
    except ValueError as error:
        raise SealError("The file's header cannot be read.") from error
    if not isinstance(header, dict) or header.get("scheme") != SCHEME:
        raise SealError("The file was sealed in a way this version of Cairn cannot open.")
    return header


def open_sealed(sealed: bytes, *, passphrase: str) -> Opened:
    """The contents, if the passphrase is right and nothing was changed; otherwise SealError."""
    header = read_header(sealed)
    end = sealed.find(b"\n", len(MAGIC)) + 1
    try:
        length = int(header["length"])
        kdf = header["kdf"]
        salt = bytes.fromhex(kdf["salt"])
        nonce = bytes.fromhex(header["nonce"])
        n = int(kdf["n"])
    except (KeyError, TypeError, ValueError) as error:
        raise SealError("The file's header is missing a part it needs.") from error
    if n < 2**14 or n > 2**20 or n & (n - 1):
        raise SealError("The file's header asks for key settings Cairn does not accept.")
    body = sealed[end:]
    if len(nonce) != _NONCE_BYTES or len(body) != length or length < _TAG_BYTES:
        raise SealError(
            "The file is incomplete or has extra bytes: it is not the length it says it is."
        )
    keys = derive_keys(passphrase, salt, n=n)
    if not hmac.compare_digest(keys.check, str(header.get("check", ""))):
        raise SealError("The passphrase is not the one this file was sealed with.")
    try:
        contents = AESGCM(keys.encryption).decrypt(nonce, body, sealed[:end])
    except InvalidTag as error:
        raise SealError(
            "The file has been changed since it was sealed: it fails its check."
        ) from error
    return Opened(header=header, contents=contents, receipt_key=keys.receipt)


def sign(document: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical(document), hashlib.sha256).hexdigest()


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def verify(document: dict[str, Any], signature: str, key: bytes) -> bool:
    return hmac.compare_digest(sign(document, key), signature)
