"""Check a Sanxiang dossier (案卷) offline: `python -m sanxiang.dossier_verify FILE.zip`.

Needs only the Python standard library and `cryptography` — copy this one file to any machine
and run `python dossier_verify.py FILE.zip`. It checks, in order, and stops at the first problem:

1. the archive opens and holds manifest.json, manifest.sig, checkpoint.txt, public-key.pem,
   entries.jsonl and proofs.jsonl (and, with --public-key, that the key is the one you trust);
2. the manifest is signed by the log key; every file it lists is present with that SHA-256 and
   size, and nothing else is in the archive;
3. the checkpoint (a C2SP signed note) is signed by the same key and matches the manifest;
4. every entry line is canonical JSON of this case, in sequence order; within each stream the
   entries run 1, 2, 3 … each naming the hash of the one before, and each stream ends at the
   count and head hash the manifest states;
5. each entry's inclusion proof leads to the checkpoint's root hash (RFC 6962 / RFC 9162);
6. every file an entry names by `sha256` is in the archive with that hash.

Exit status: 0 intact, 1 a problem (named on stderr), 2 usage. The format is described in
docs/record-format.md. This is a second, independent implementation of the hashing and proof
rules: it shares no code with the platform.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
import zipfile
import zlib
from typing import Any

FORMAT = "sanxiang-dossier/1"
MANIFEST_PREFIX = b"sanxiang-dossier-manifest/1\n"
REQUIRED = (
    "manifest.json",
    "manifest.sig",
    "checkpoint.txt",
    "public-key.pem",
    "entries.jsonl",
    "proofs.jsonl",
)
GENESIS = "0" * 64
MAX_TEXT = 256 * 1024 * 1024  # a dossier's entries and proofs: far below this


class Problem(Exception):
    """The first thing found wrong; its message is what the auditor reads."""


# --- hashing (RFC 6962) -----------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode()


def _no_floats(text: str) -> Any:
    raise ValueError("floats are not allowed")


# --- the archive --------------------------------------------------------------------------------


# What a damaged member raises while it is opened or inflated (a flipped byte in its header or its
# deflate stream, a CRC mismatch, an unsupported method or encryption flag): reported as a
# Problem naming the member, never a crash (found by tests/security/test_fuzz_dossier.py).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except DAMAGED as error:
        raise Problem(f"{name}: damaged in the archive ({type(error).__name__})") from None
    if len(data) > limit:
        raise Problem(f"{name}: larger than stated")
    return data


def _hash_member(archive: zipfile.ZipFile, name: str, limit: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(name) as member:
            while block := member.read(1024 * 1024):
                size += len(block)
                if size > limit:
                    raise Problem(f"{name}: larger than the manifest states")
                digest.update(block)
    except DAMAGED as error:
        raise Problem(f"{name}: damaged in the archive ({type(error).__name__})") from None
    return digest.hexdigest(), size


def _public_key(pem: bytes):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise Problem("public-key.pem: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Problem("public-key.pem: not an Ed25519 key")
    return key


def _raw(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _verify_signature(key, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def check_checkpoint(note: str, key) -> tuple[int, bytes, str]:
    """A C2SP signed note: origin, size, base64 root, `time …`, blank line, signature lines."""
    text, sep, sigs = note.partition("\n\n")
    lines = text.split("\n")
    if not sep or len(lines) != 4 or not lines[3].startswith("time "):
        raise Problem("checkpoint.txt: not a signed checkpoint note")
    origin = lines[0]
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except (ValueError, binascii.Error):
        raise Problem("checkpoint.txt: size or root hash unreadable") from None
    if size <= 0 or len(root) != 32:
        raise Problem("checkpoint.txt: size or root hash invalid")
    key_id = hashlib.sha256(origin.encode() + b"\n\x01" + _raw(key)).digest()[:4]
    for line in sigs.rstrip("\n").split("\n"):
        if not line.startswith("\u2014 "):
            raise Problem("checkpoint.txt: malformed signature line")
        name, _, blob = line[2:].rpartition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise Problem("checkpoint.txt: signature not base64") from None
        if name == origin and raw[:4] == key_id:
            if _verify_signature(key, raw[4:], (text + "\n").encode()):
                return size, root, lines[3][5:]
            raise Problem("checkpoint.txt: signature does not verify (the checkpoint was altered)")
    raise Problem("checkpoint.txt: not signed by the key in public-key.pem")


def _manifest(archive: zipfile.ZipFile, key) -> dict:
    raw = _read(archive, "manifest.json", MAX_TEXT)
    try:
        signature = base64.b64decode(_read(archive, "manifest.sig", 4096).strip(), validate=True)
    except binascii.Error:
        raise Problem("manifest.sig: not base64") from None
    if not _verify_signature(key, signature, MANIFEST_PREFIX + raw):
        raise Problem("manifest.json: signature does not verify (the manifest was altered)")
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise Problem("manifest.json: not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Problem(f"manifest.json: not a {FORMAT} manifest")
    return manifest


def _check_files(archive: zipfile.ZipFile, manifest: dict) -> dict[str, dict]:
    listed: dict[str, dict] = {}
    for item in manifest.get("files", []):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise Problem("manifest.json: malformed file list")
        listed[item["path"]] = item
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise Problem("archive: a file name occurs twice")
    for name in names:
        if name not in listed and name not in ("manifest.json", "manifest.sig"):
            raise Problem(f"{name}: not listed in the manifest (added to the archive)")
    for path, item in listed.items():
        if path not in names:
            raise Problem(f"{path}: listed in the manifest but missing from the archive")
        sha, size = _hash_member(archive, path, int(item.get("size", -1)))
        if sha != item.get("sha256") or size != item.get("size"):
            raise Problem(f"{path}: SHA-256 or size differs from the manifest (file altered)")
    return listed


def _entries(archive: zipfile.ZipFile, manifest: dict, size: int) -> list[tuple[dict, bytes]]:
    data = _read(archive, "entries.jsonl", MAX_TEXT)
    if data and not data.endswith(b"\n"):
        raise Problem("entries.jsonl: truncated (no final newline)")
    entries: list[tuple[dict, bytes]] = []
    last_seq = 0
    heads: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(data.split(b"\n")[:-1] if data else [], start=1):
        where = f"entries.jsonl line {number}"
        try:
            body = json.loads(line, parse_float=_no_floats, parse_constant=_no_floats)
        except ValueError as error:
            raise Problem(f"{where}: not valid entry JSON ({error})") from None
        if not isinstance(body, dict) or canonical(body) != line:
            raise Problem(f"{where}: not in canonical form (the entry was altered)")
        seq, stream, stream_seq = body.get("seq"), body.get("stream"), body.get("stream_seq")
        if not (isinstance(seq, int) and isinstance(stream, str) and isinstance(stream_seq, int)):
            raise Problem(f"{where}: seq, stream or stream_seq missing")
        name = f"entry #{seq} ({body.get('case')} {stream} no. {stream_seq})"
        if body.get("case") != manifest.get("case"):
            raise Problem(f"{name}: belongs to case {body.get('case')}, not {manifest.get('case')}")
        if seq <= last_seq:
            raise Problem(f"{name}: out of order after entry #{last_seq} (entries reordered)")
        if seq > size:
            raise Problem(f"{name}: not covered by the checkpoint (tree size {size})")
        count, prev = heads.get(stream, (0, GENESIS))
        if stream_seq != count + 1:
            raise Problem(f"{name}: expected no. {count + 1} of its stream (entry missing or reordered)")
        if body.get("prev") != prev:
            raise Problem(f"{name}: does not name the hash of the entry before it (chain broken)")
        heads[stream] = (stream_seq, leaf_hash(line).hex())
        last_seq = seq
        entries.append((body, line))
    if len(entries) != manifest.get("entries"):
        raise Problem(f"entries.jsonl: {len(entries)} entries, the manifest says {manifest.get('entries')}")
    streams = manifest.get("streams") or {}
    if set(streams) != set(heads):
        raise Problem("entries.jsonl: streams differ from the manifest (entries missing)")
    for stream, stated in streams.items():
        if not isinstance(stated, dict) or (stated.get("count"), stated.get("head")) != heads[stream]:
            raise Problem(
                f"stream {stream}: ends at no. {heads[stream][0]}, "
                "the manifest says otherwise (entries removed)"
            )
    return entries


def _proofs(archive: zipfile.ZipFile, entries: list[tuple[dict, bytes]], size: int, root: bytes) -> None:
    data = _read(archive, "proofs.jsonl", MAX_TEXT)
    lines = data.split(b"\n")[:-1] if data.endswith(b"\n") else None
    if lines is None or len(lines) != len(entries):
        raise Problem("proofs.jsonl: one proof per entry expected")
    for (body, line), raw in zip(entries, lines, strict=True):
        name = f"entry #{body['seq']} ({body.get('case')} {body['stream']} no. {body['stream_seq']})"
        try:
            proof = json.loads(raw)
            path = [bytes.fromhex(h) for h in proof["path"]]
            index, tree = int(proof["leaf_index"]), int(proof["tree_size"])
        except (ValueError, KeyError, TypeError):
            raise Problem(f"{name}: proof unreadable") from None
        if proof.get("seq") != body["seq"] or index != body["seq"] - 1 or tree != size:
            raise Problem(f"{name}: proof is for another entry or tree")
        if not verify_inclusion(leaf_hash(line), index, size, path, root):
            raise Problem(f"{name}: not included in the signed checkpoint (entry or proof altered)")


def _references(entries: list[tuple[dict, bytes]], listed: dict[str, dict]) -> int:
    by_hash = {item.get("sha256"): path for path, item in listed.items() if path.startswith("files/")}
    for body, _ in entries:
        payload = body.get("payload")
        sha = payload.get("sha256") if isinstance(payload, dict) else None
        if sha is None:
            continue
        if sha not in by_hash:
            raise Problem(f"entry #{body['seq']}: names file {sha} which is not in the dossier")
    return len(by_hash)


def verify(path: str, trusted_key: bytes | None = None) -> str:
    """Return a one-line verdict if the dossier is intact; raise Problem otherwise."""
    try:
        archive = zipfile.ZipFile(path)
    except DAMAGED as error:  # also NotImplementedError for a mangled "version needed" field
        raise Problem(f"{path}: not a readable ZIP archive ({error})") from None
    with archive:
        names = set(archive.namelist())
        for name in REQUIRED:
            if name not in names:
                raise Problem(f"{name}: missing from the dossier")
        key = _public_key(_read(archive, "public-key.pem", 4096))
        if trusted_key is not None and _raw(key) != _raw(_public_key(trusted_key)):
            raise Problem("public-key.pem: not the key you trust (--public-key)")
        manifest = _manifest(archive, key)
        listed = _check_files(archive, manifest)
        try:
            note = _read(archive, "checkpoint.txt", 65536).decode()
        except UnicodeDecodeError:
            raise Problem("checkpoint.txt: not UTF-8 text") from None
        size, root, time = check_checkpoint(note, key)
        stated = manifest.get("checkpoint") or {}
        if stated.get("size") != size or stated.get("root") != root.hex():
            raise Problem("checkpoint.txt: differs from the checkpoint the manifest names")
        entries = _entries(archive, manifest, size)
        _proofs(archive, entries, size, root)
        files = _references(entries, listed)
    fingerprint = hashlib.sha256(_raw(key)).hexdigest()
    return (
        f"OK: case {manifest.get('case')}: {len(entries)} entries in {len(manifest['streams'])} streams, "
        f"{files} files, all included in checkpoint #{stated.get('number')} (size {size}, {time}); "
        f"signed by key {fingerprint}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dossier_verify", description="Check a Sanxiang dossier offline.")
    parser.add_argument("dossier", help="the dossier ZIP file")
    parser.add_argument("--public-key", help="PEM file of the log key you trust (from /portal/transparency/)")
    args = parser.parse_args(argv)
    trusted = None
    if args.public_key:
        try:
            with open(args.public_key, "rb") as handle:
                trusted = handle.read()
        except OSError as error:
            print(f"cannot read {args.public_key}: {error}", file=sys.stderr)
            return 2
    try:
        verdict = verify(args.dossier, trusted)
    except Problem as problem:
        print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    except Exception as error:  # never crash on a hostile archive: report it
        print(f"FAILED: the dossier is malformed ({type(error).__name__}: {error})", file=sys.stderr)
        return 1
    print(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
