"""Public, read-only views of the log: no personal data ever leaves here — only sizes, hashes,
signatures and the public key (I3, I2)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.core.parsing import parse_int
from sanxiang.records import checkpoints, keys, log
from sanxiang.records.models import Checkpoint, Entry


def _error(error: DomainError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})


def _json(data) -> JsonResponse:
    response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _checkpoint_json(point: Checkpoint) -> dict:
    return {
        "number": point.number,
        "tree_size": point.size,
        "root_hash": point.root,
        "time": point.at.isoformat(),
        "key_id": point.key_id,
        "note": point.note,
    }


@require_GET
def transparency(request):
    page = Paginator(Checkpoint.objects.order_by("-number"), 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "latest": checkpoints.latest(),
        "public_key_pem": keys.public_key_pem(),
        "fingerprint": checkpoints.fingerprint(),
        "verifier_key": checkpoints.verifier_key(),
        "origin": checkpoints.origin(),
    }
    return render(request, "records/transparency.html", context)


@require_GET
def public_key(request):
    response = HttpResponse(keys.public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="sanxiang-log-public-key.pem"'
    return response


@require_GET
def checkpoint_list(request):
    page = Paginator(Checkpoint.objects.order_by("-number"), 100).get_page(request.GET.get("page"))
    return _json(
        {
            "origin": checkpoints.origin(),
            "public_key_fingerprint": checkpoints.fingerprint(),
            "verifier_key": checkpoints.verifier_key(),
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "checkpoints": [_checkpoint_json(p) for p in page.object_list],
        }
    )


@require_GET
def checkpoint_note(request, number: int | None = None):
    point = checkpoints.latest() if number is None else Checkpoint.objects.filter(number=number).first()
    if point is None:
        raise Http404
    return HttpResponse(point.note, content_type="text/plain; charset=utf-8")


def _int(request, name: str, default: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "" and default is not None:
        return default
    value = parse_int(raw)
    if value is None:
        raise InvalidInput(
            "records.proof.parameter", _("参数 %(name)s 须为正整数。") % {"name": name}, field=name
        )
    return value


def _published(size: int) -> Checkpoint:
    point = Checkpoint.objects.filter(size=size).order_by("number").first()
    if point is None:
        raise InvalidInput(
            "records.proof.unpublished", _("只能对已公布的检查点的树大小取证明。"), field="size"
        )
    return point


@require_GET
def inclusion(request):
    """?seq=N&size=<a checkpoint's tree size; default the latest>. (An entry's seq is in its body.)"""
    try:
        latest = checkpoints.latest()
        if latest is None:
            raise InvalidInput("records.proof.no_checkpoint", _("尚无已签名的检查点。"))
        size = _int(request, "size", latest.size)
        point = _published(size)
        seq = _int(request, "seq")
        path = log.inclusion_proof(seq, size)
        leaf = Entry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    except DomainError as error:
        return _error(error)
    return _json(
        {
            "seq": seq,
            "leaf_index": seq - 1,
            "leaf_hash": leaf,
            "tree_size": size,
            "checkpoint": point.number,
            "root_hash": point.root,
            "path": [h.hex() for h in path],
        }
    )


@require_GET
def consistency(request):
    """?first=<tree size>&second=<tree size>, both sizes of published checkpoints."""
    try:
        first, second = _int(request, "first"), _int(request, "second")
        a, b = _published(first), _published(second)
        proof = log.consistency_proof(first, second)
    except DomainError as error:
        return _error(error)
    return _json(
        {
            "first": first,
            "second": second,
            "first_root": a.root,
            "second_root": b.root,
            "proof": [h.hex() for h in proof],
        }
    )
