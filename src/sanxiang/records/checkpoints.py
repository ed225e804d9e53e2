"""Signed checkpoints: the log's size and root hash at a time, signed with the Ed25519 key that
lives outside the database (records/keys.py).

The statement is a C2SP *signed note* in the *tlog-checkpoint* shape, so generic tools can read it:

    <origin>\\n<tree size>\\n<base64 root hash>\\ntime <RFC 3339 UTC>\\n
    \\n
    — <key name> <base64(key id ‖ Ed25519 signature)>\\n

The signature covers the note text (the four lines). The key id is the first four bytes of
SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key). docs/record-format.md describes how to check one.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction

from sanxiang.core import clock
from sanxiang.records import canonical, keys, merkle, signals
from sanxiang.records.models import Checkpoint, LogHead

DEFAULT_ORIGIN = "sanxiang.records"
ED25519 = b"\x01"


def origin() -> str:
    return getattr(settings, "SANXIANG_LOG_ORIGIN", DEFAULT_ORIGIN)


def raw_public_key(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(name: str, public: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw_public_key(public)).digest()[:4]


def verifier_key(public: Ed25519PublicKey | None = None) -> str:
    """The note verifier key string `<name>+<hex key id>+<base64(0x01 ‖ key)>`."""
    public = public or keys.public_key()
    name = origin()
    return (
        f"{name}+{key_id(name, public).hex()}+{base64.b64encode(ED25519 + raw_public_key(public)).decode()}"
    )


def fingerprint(public: Ed25519PublicKey | None = None) -> str:
    """SHA-256 of the raw public key, hex — what an auditor compares with the published one."""
    return hashlib.sha256(raw_public_key(public or keys.public_key())).hexdigest()


def note_text(size: int, root: bytes, at) -> str:
    return f"{origin()}\n{size}\n{base64.b64encode(root).decode()}\ntime {canonical._normalise(at)}\n"


def sign_note(text: str) -> str:
    private = keys.signing_key()
    name = origin()
    signature = private.sign(text.encode())
    blob = base64.b64encode(key_id(name, private.public_key()) + signature).decode()
    return f"{text}\n\u2014 {name} {blob}\n"


@dataclass(frozen=True)
class ParsedNote:
    origin: str
    size: int
    root: bytes
    time: str
    text: str
    signatures: list[tuple[str, bytes, bytes]]  # (name, key id, signature)


def parse_note(note: str) -> ParsedNote:
    text, sep, sigs = note.partition("\n\n")
    if not sep:
        raise ValueError("no signature block")
    lines = text.split("\n")
    if len(lines) < 4 or not lines[3].startswith("time "):
        raise ValueError("not a checkpoint note")
    signatures = []
    for line in sigs.rstrip("\n").split("\n"):
        if not line.startswith("\u2014 "):
            raise ValueError("malformed signature line")
        name, _, b64 = line[2:].rpartition(" ")
        raw = base64.b64decode(b64, validate=True)
        signatures.append((name, raw[:4], raw[4:]))
    return ParsedNote(
        lines[0],
        int(lines[1]),
        base64.b64decode(lines[2], validate=True),
        lines[3][5:],
        text + "\n",
        signatures,
    )


def verify_note(note: str, public: Ed25519PublicKey | None = None) -> ParsedNote:
    """Parse and check a signed note; raises ValueError if no valid signature by our key."""
    public = public or keys.public_key()
    parsed = parse_note(note)
    expected = key_id(parsed.origin, public)
    for name, kid, signature in parsed.signatures:
        if name == parsed.origin and kid == expected:
            try:
                public.verify(signature, parsed.text.encode())
            except InvalidSignature:
                raise ValueError("signature does not verify") from None
            return parsed
    raise ValueError("not signed by this log's key")


@transaction.atomic
def make_checkpoint(*, force: bool = False) -> Checkpoint | None:
    """Sign the current head. Returns the new checkpoint, or the latest one when the log has not
    grown since (unless `force`); None for an empty log."""
    head = LogHead.objects.select_for_update().filter(pk=1).first()
    if head is None or head.size == 0:
        return None
    latest = Checkpoint.objects.order_by("-number").first()
    if latest is not None and latest.size == head.size and not force:
        return latest
    frontier = merkle.decode_frontier(head.frontier)
    root = merkle.root(frontier)
    at = clock.now()
    note = sign_note(note_text(head.size, root, at))
    checkpoint = Checkpoint.objects.create(
        number=(latest.number + 1) if latest else 1,
        size=head.size,
        root=root.hex(),
        at=at,
        key_id=key_id(origin(), keys.public_key()).hex(),
        note=note,
        frontier=head.frontier,
    )
    signals.checkpoint_signed.send(sender=Checkpoint, checkpoint=checkpoint)
    return checkpoint


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-number").first()


def covering(seq: int) -> Checkpoint | None:
    """The first checkpoint whose tree includes entry `seq`."""
    return Checkpoint.objects.filter(size__gte=seq).order_by("number").first()


def tick() -> str:
    checkpoint = make_checkpoint()
    return f"checkpoint #{checkpoint.number} size={checkpoint.size}" if checkpoint else "empty log"
