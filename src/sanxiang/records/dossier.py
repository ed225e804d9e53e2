"""The dossier (案卷): one case's record, files and proofs in a ZIP an auditor checks offline with
`python -m sanxiang.dossier_verify FILE.zip` (docs/record-format.md, "Dossier").

    manifest.json    what is inside: the case, the checkpoint, each stream's entry count and head
                     hash, and every file with its SHA-256 and size
    manifest.sig     Ed25519 signature (log key) over "sanxiang-dossier-manifest/1\\n" ‖ manifest.json
    entries.jsonl    every entry of the case (all its streams) — each line the exact hashed body
    proofs.jsonl     for each entry: its inclusion proof in the checkpoint's tree
    checkpoint.txt   the signed checkpoint (C2SP signed note)
    public-key.pem   the log's public key (compare its fingerprint with /portal/transparency/)
    files/…          every stored file an entry names by `sha256` (evidence, documents)
    README.txt       the same in words, and how to verify

The export is itself a read of the case and is logged (I7) before the checkpoint is made, so the
dossier contains the entry recording its own export.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives import serialization

from sanxiang.core import clock
from sanxiang.records import access, canonical, checkpoints, conf, keys, log, sniff
from sanxiang.records.models import Blob, Entry, Evidence

FORMAT = "sanxiang-dossier/1"
MANIFEST_PREFIX = b"sanxiang-dossier-manifest/1\n"


# Files the record does not keep as blobs but that entries name by `sha256` (an issued document
# names the hash of its canonical content): the app that owns them hands over the bytes, so every
# hash an entry names is in the dossier. fn(case, wanted: set[str]) -> {sha256: (ext, bytes, type)}
_file_providers: list = []


def register_files(fn) -> None:
    if fn not in _file_providers:
        _file_providers.append(fn)


def export_for(user, case, *, door: str, reason: str = "") -> Path:
    """Log the export as a read of the case, then write the dossier; returns the ZIP's path."""
    access.open_case(user, case, door=door, reason=reason, what="export_dossier")
    return write(case, exported_by=user.username)


def write(case, *, exported_by: str, path: Path | None = None) -> Path:
    checkpoint = checkpoints.make_checkpoint()
    entries = list(Entry.objects.filter(case=case, seq__lte=checkpoint.size).order_by("seq"))
    proofs = log.inclusion_proofs([e.seq for e in entries], checkpoint.size)
    if path is None:
        handle, name = tempfile.mkstemp(prefix=f"{case.number}-", suffix=".zip")
        os.close(handle)
        path = Path(name)
    files: list[dict] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        lines = "".join(e.body + "\n" for e in entries).encode("utf-8")
        files.append(_put(archive, "entries.jsonl", lines))
        proof_lines = "".join(
            canonical.dumps(
                {
                    "seq": e.seq,
                    "leaf_index": e.seq - 1,
                    "tree_size": checkpoint.size,
                    "path": [h.hex() for h in proofs[e.seq]],
                }
            )
            + "\n"
            for e in entries
        )
        files.append(_put(archive, "proofs.jsonl", proof_lines.encode()))
        files.append(_put(archive, "checkpoint.txt", checkpoint.note.encode()))
        pem = keys.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        files.append(_put(archive, "public-key.pem", pem))
        blobs = _referenced_blobs(entries)
        for blob in blobs:
            files.append(_put_blob(archive, blob))
        wanted = _named_hashes(entries) - {b.sha256 for b in blobs}
        for provider in _file_providers:
            for sha, (ext, data, media_type) in sorted(provider(case, set(wanted)).items()):
                if sha in wanted and hashlib.sha256(data).hexdigest() == sha:
                    files.append({**_put(archive, f"files/{sha}.{ext}", data), "media_type": media_type})
                    wanted.discard(sha)
        files.append(_put(archive, "README.txt", _readme(case, entries, blobs, checkpoint).encode("utf-8")))
        streams: dict[str, dict] = {}
        for entry in entries:
            streams[entry.stream] = {"count": entry.stream_seq, "head": entry.hash}
        manifest = {
            "format": FORMAT,
            "case": case.number,
            "title": case.title,
            "agency": case.agency.code,
            "exported_at": clock.now(),
            "exported_by": exported_by,
            "checkpoint": {"number": checkpoint.number, "size": checkpoint.size, "root": checkpoint.root},
            "entries": len(entries),
            "streams": streams,
            "files": files,
        }
        manifest_bytes = canonical.encode(manifest)
        archive.writestr("manifest.json", manifest_bytes)
        signature = keys.signing_key().sign(MANIFEST_PREFIX + manifest_bytes)

        archive.writestr("manifest.sig", base64.b64encode(signature) + b"\n")
    return path


def _put(archive: zipfile.ZipFile, name: str, data: bytes) -> dict:
    archive.writestr(name, data)
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def blob_path(blob: Blob) -> str:
    found = sniff.by_mime(blob.media_type)
    return f"files/{blob.sha256}.{found.ext if found else 'bin'}"


def _put_blob(archive: zipfile.ZipFile, blob: Blob) -> dict:
    """Copy a stored file into the archive in chunks, hashing what is actually written."""
    digest, size = hashlib.sha256(), 0
    name = blob_path(blob)
    with (
        conf.storage().open(blob.storage_name, "rb") as source,
        archive.open(name, "w", force_zip64=True) as target,
    ):
        while block := source.read(1024 * 1024):
            digest.update(block)
            size += len(block)
            target.write(block)
    return {"path": name, "sha256": digest.hexdigest(), "size": size, "media_type": blob.media_type}


def _named_hashes(entries: list[Entry]) -> set[str]:
    named = (json.loads(entry.body)["payload"].get("sha256") for entry in entries)
    return {sha for sha in named if isinstance(sha, str)}


def _referenced_blobs(entries: list[Entry]) -> list[Blob]:
    wanted = []
    for entry in entries:
        sha = json.loads(entry.body)["payload"].get("sha256")
        if isinstance(sha, str) and sha not in wanted:
            wanted.append(sha)
    found = {b.sha256: b for b in Blob.objects.filter(sha256__in=wanted)}
    return [found[s] for s in wanted if s in found]


def _readme(case, entries, blobs, checkpoint) -> str:
    titles = {e.blob.sha256: e.title for e in Evidence.objects.filter(case=case).select_related("blob")}
    lines = [
        f"案卷 {case.number}  {case.title}",
        f"执法主体：{case.agency.name}",
        f"导出时间：{canonical._normalise(clock.now())}",
        f"记录条目：{len(entries)} 条；签名检查点 #{checkpoint.number}"
        f"（树大小 {checkpoint.size}，根哈希 {checkpoint.root}）",
        "",
        "文件目录：",
    ]
    lines += [f"  {blob_path(b)}  {titles.get(b.sha256, '')}" for b in blobs]
    lines += [
        "",
        "核验方法（仅需 Python 3.11+ 与 cryptography 库）：",
        "  python -m sanxiang.dossier_verify 本文件.zip   或   python dossier_verify.py 本文件.zip",
        "并将 public-key.pem 的指纹与 /portal/transparency/ 公布的公钥指纹核对。",
        "格式说明：docs/record-format.md",
        "",
    ]
    return "\n".join(lines)


def open_and_unlink(path: Path) -> IO[bytes]:
    handle = open(path, "rb")  # noqa: SIM115 - handed to FileResponse, which closes it
    path.unlink(missing_ok=True)
    return handle
