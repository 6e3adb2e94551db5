"""The bundle Cairn writes, its manifest and its receipt conform to the JSON Schemas published in
docs/schemas (checked by a small validator of the keywords the schemas use), and the sealed
file's layout is the one docs/transfer-format.md describes, opened here from its description."""

import hashlib
import hmac
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from transfer import bundle as bundles
from transfer import crypto, services
from transfer.models import Transfer
from transfer.tests.helpers import child_with_file, leave, receiving_dsl

SCHEMAS = Path(settings.BASE_DIR) / "docs" / "schemas"
_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
    "null": type(None),
}


def _resolve(ref: str, root: dict) -> tuple[dict, dict]:
    file, _, pointer = ref.partition("#")
    document = json.loads((SCHEMAS / file).read_text()) if file else root
    node = document
    for part in pointer.strip("/").split("/"):
        node = node[part]
    return node, document


def _errors(value, schema: dict, root: dict, where: str = "$") -> list[str]:
    if "$ref" in schema:
        target, document = _resolve(schema["$ref"], root)
        return _errors(value, target, document, where)
    found: list[str] = []
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: expected {schema['const']!r}")
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, _TYPES[k]) and not (k == "integer" and isinstance(value, bool))
            for k in kinds
        )
        if not ok:
            return [*found, f"{where}: not {kinds}"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{where}: below {schema['minimum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        found += [f"{where}: {k} missing" for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{where}: {k} not in the schema" for k in value if k not in props]
        for key, item in value.items():
            if key in props:
                found += _errors(item, props[key], root, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            found += _errors(item, schema["items"], root, f"{where}[{n}]")
    return found


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


def _check(value, name: str) -> None:
    schema = _schema(name)
    assert _errors(value, schema, schema) == []


@pytest.mark.django_db
def test_bundle_manifest_and_receipt_match_the_published_schemas(dsl, pupil, unrelated_school):
    child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    leave(dsl=dsl, pupil=pupil, destination=unrelated_school.name)
    transfer, passphrase = services.transfer_prepare(
        actor=dsl, transfer=Transfer.objects.get(), to_school_urn=unrelated_school.urn
    )
    sealed = services.bundle_bytes(transfer)

    # Opened from the description in docs/transfer-format.md, not through transfer.crypto.
    magic, header_line, rest = sealed.split(b"\n", 2)
    assert magic == b"CAIRN-TRANSFER-1"
    header = json.loads(header_line)
    body = rest  # AES-256-GCM ciphertext, its 16-byte tag at the end
    assert len(body) == header["length"]
    kdf = header["kdf"]
    master = hashlib.scrypt(
        passphrase.encode(),
        salt=bytes.fromhex(kdf["salt"]),
        n=kdf["n"],
        r=kdf["r"],
        p=kdf["p"],
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )

    def key(label: str) -> bytes:
        return hmac.new(master, label.encode(), hashlib.sha256).digest()

    assert key("check")[:8].hex() == header["check"]
    assert header["scheme"] == "cairn-passphrase-2"
    bundle = AESGCM(key("encryption")).decrypt(
        bytes.fromhex(header["nonce"]), body, magic + b"\n" + header_line + b"\n"
    )
    archive = zipfile.ZipFile(io.BytesIO(bundle))
    manifest = json.loads(archive.read("manifest.json"))
    document = json.loads(archive.read("file.json"))
    _check(manifest, "transfer-manifest.schema.json")
    _check(document, "transfer-file.schema.json")
    assert sorted(archive.namelist()) == sorted(
        ["manifest.json", *(f["path"] for f in manifest["files"])]
    )
    for f in manifest["files"]:
        assert hashlib.sha256(archive.read(f["path"])).hexdigest() == f["sha256"]

    receiver = receiving_dsl(unrelated_school, pupil)
    received = services.bundle_import(actor=receiver, sealed=sealed, passphrase=passphrase)
    _check(received.receipt, "transfer-receipt.schema.json")
    fields = {k: v for k, v in received.receipt.items() if k != "signature"}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    assert (
        hmac.new(key("receipt"), canonical, "sha256").hexdigest() == received.receipt["signature"]
    )
    assert crypto.normalise_passphrase(passphrase.lower().replace("-", " ")) == passphrase


def test_the_validator_finds_what_is_wrong():
    schema = _schema("transfer-file.schema.json")
    assert _errors({"format": "other"}, schema, schema)
    assert _errors({"urn": "12", "name": "X"}, schema["$defs"]["school"], schema) == [
        "$.urn: '12' does not match ^[0-9]{6}$"
    ]
    assert _errors({"urn": "123456", "name": "X", "extra": 1}, schema["$defs"]["school"], schema)


def _document(**changes):
    record = {
        "id": "concern:1",
        "kind": "concern",
        "kind_label": "Concern",
        "occurred_at": "2026-01-05T09:00:00+00:00",
        "recorded_at": None,
        "title": "Came in hungry",
        "summary": "",
        "author": "A. Teacher",
        "categories": ["Neglect"],
        "significant": False,
    }
    document = {
        "format": "cairn-cp-file",
        "version": 1,
        "transfer_id": "t-1",
        "from_school": {"urn": "100000", "name": "A"},
        "to_school": {"urn": "100001", "name": "B"},
        "child": {"upn": "A123456789012"},
        "records": [{**record, **changes.pop("record", {})}],
        "attachments": changes.pop("attachments", []),
    }
    return {**document, **changes}


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ([], "not hold a child protection file"),
        (_document(version=2), "format version 2"),
        (_document(transfer_id=7), "transfer id of the wrong kind"),
        (_document(child="x"), "child of the wrong kind"),
        (_document(child={}), "no upn"),
        (_document(records={}), "records of the wrong kind"),
        (_document(records=["x"]), "record has no id"),
        (_document(record={"title": None}), "title of the wrong kind"),
        (_document(record={"summary": 3}), "summary of the wrong kind"),
        (_document(record={"significant": "yes"}), "significant of the wrong kind"),
        (_document(record={"categories": "Neglect"}), "categories of the wrong kind"),
        (_document(record={"categories": [1]}), "categories of the wrong kind"),
        (_document(record={"occurred_at": "yesterday"}), "date Cairn cannot read"),
        (_document(record={"occurred_at": "2026-01-05T09:00:00"}), "without its offset"),
        (_document(record={"recorded_at": 5}), "date Cairn cannot read"),
        (_document(attachments=[{"path": "attachments/0001-a"}]), "no original name"),
    ],
)
def test_a_hostile_file_json_is_refused_with_a_reason(document, reason):
    with pytest.raises(bundles.BundleError, match=reason):
        bundles._check_document(document)


def test_a_well_formed_file_json_passes():
    assert bundles._check_document(_document())["transfer_id"] == "t-1"
