"""Signed checkpoints of the audit log's head, kept outside the database.

A hash chain shows an edited or removed entry in its middle, but not its tail cut off, the log emptied,
the whole chain recomputed after an edit, or another database put in the ledger's place: the result is
again a well-formed chain. A checkpoint is a small JSON file holding the head at one moment (sequence
number, hash, entry count, time) signed with an Ed25519 key; whoever keeps or publishes the file can later
check that the log still holds that entry with that hash:

    {"claimledger_checkpoint": 1, "seq": 42, "hash": "9f…", "count": 42, "at": "2026-12-01T20:00:00+00:00",
     "public_key": "<hex>", "signature": "<hex>"}

The public key travels inside the file (and in `KEY.pub` beside the private key), so a checkpoint can be
checked anywhere; to stop someone who can write the file from re-signing it with a key of their own,
pin the key you trust with `--public-key`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from . import audit, db

FORMAT = 1


class CheckpointError(ValueError):
    """An unreadable key or checkpoint, or a signature that does not match."""


# --- keys -------------------------------------------------------------------------------------------------

def keygen(path: Path) -> Path:
    """Write a new Ed25519 private key to `path` (mode 0600, never overwriting) and its public key to
    `path.pub`; returns the public key's path."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CheckpointError(f"{path} exists already: not overwriting a key") from None
    except OSError as exc:
        raise CheckpointError(f"cannot write key {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    pub = Path(str(path) + ".pub")
    pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return pub


def load_private(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as exc:
        raise CheckpointError(f"cannot read key {path}: {exc.strerror or exc}") from None
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return key


def load_public_hex(path: Path) -> str:
    """The raw public key, as hex, from a PEM public key file (KEY.pub) or a PEM private key."""
    from cryptography.hazmat.primitives import serialization

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read key {path}: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        key = load_private(path).public_key()
    return _raw_hex(key)


def _raw_hex(public_key) -> str:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def fingerprint(public_hex: str) -> str:
    import hashlib

    return "SHA256:" + hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32]


# --- checkpoints ------------------------------------------------------------------------------------------

def _signed_bytes(body: dict) -> bytes:
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode("utf-8")


def make(conn, key) -> dict:
    """The log's head now, signed with the Ed25519 private `key`."""
    n, seq, head = audit.head(conn)
    body = {"claimledger_checkpoint": FORMAT, "seq": seq, "hash": head, "count": n,
            "at": db.utcnow().isoformat(timespec="seconds"), "public_key": _raw_hex(key.public_key())}
    body["signature"] = key.sign(_signed_bytes(body)).hex()
    return body


def write(path: Path, body: dict) -> None:
    Path(path).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")


def read(path: Path, trusted_key: str | None = None) -> dict:
    """A checkpoint whose signature holds (by the key inside it, which must be `trusted_key` if given)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CheckpointError(f"checkpoint {path} is not JSON: {exc}") from None
    fields = {"claimledger_checkpoint": int, "seq": int, "hash": str, "count": int, "at": str,
              "public_key": str, "signature": str}
    if not isinstance(body, dict) or any(not isinstance(body.get(k), t) for k, t in fields.items()):
        raise CheckpointError(f"checkpoint {path} lacks one of: {', '.join(fields)}")
    if body["claimledger_checkpoint"] != FORMAT:
        raise CheckpointError(f"checkpoint {path} has format {body['claimledger_checkpoint']}, not {FORMAT}")
    if trusted_key and body["public_key"] != trusted_key:
        raise CheckpointError(f"checkpoint {path} is signed by {fingerprint(body['public_key'])}, not by the "
                              f"trusted key {fingerprint(trusted_key)}")
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(body["public_key"])).verify(
            bytes.fromhex(body["signature"]), _signed_bytes(body))
    except (InvalidSignature, ValueError):
        raise CheckpointError(f"checkpoint {path}: the signature does not match its contents "
                              f"(the file was altered or not signed by its key)") from None
    return body


def check(conn, body: dict) -> list[audit.Problem]:
    """What the log lost or rewrote since the checkpoint: its entry missing (tail cut, log emptied) or
    holding another hash (chain recomputed, another database)."""
    seq, want = body["seq"], body["hash"]
    n, last_seq, _ = audit.head(conn)
    if seq == 0:
        return []
    got = conn.execute(select(db.audit_log.c.hash).where(db.audit_log.c.seq == seq)).scalar()
    if n == 0:
        return [audit.Problem(seq, f"the log is empty, but the checkpoint of {body['at']} saw {body['count']} "
                                   f"entries: the log was emptied or the database replaced")]
    if got is None:
        return [audit.Problem(seq, f"entry {seq} of the checkpoint of {body['at']} is gone (the log ends at "
                                   f"{last_seq}): entries were cut from its end")]
    if got != want:
        return [audit.Problem(seq, f"entry {seq} has hash {got[:12]}…, the checkpoint of {body['at']} says "
                                   f"{want[:12]}…: the chain was rewritten or the database replaced")]
    if n < body["count"]:
        return [audit.Problem(seq, f"the log holds {n} entries, the checkpoint of {body['at']} saw {body['count']}")]
    return []
