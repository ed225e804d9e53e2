"""Staff pages of the exchange: endpoints and backlog, messages with their delivery state, the
dead-letter queue with retry/skip, replay from a point, the received log, imports."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.core.errors import DomainError
from sanxiang.exchange import selectors, services
from sanxiang.exchange.models import DeliveryStatus, ImportRun


def _viewer(request):
    if not selectors.can_view(request.user):
        raise Http404
    return request.user


def _page(request, queryset, size=50):
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(queryset, size).get_page(request.GET.get("page")), query.urlencode()


@login_required
def overview(request):
    user = _viewer(request)
    endpoints = selectors.endpoints_visible_to(user).annotate(
        backlog=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        dead=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DEAD)),
        delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
    )
    context = {
        "endpoints": endpoints,
        "dead": selectors.deliveries_visible_to(user)
        .filter(status=DeliveryStatus.DEAD)
        .order_by("-last_attempt_at")[:10],
        "received_count": selectors.received_visible_to(user).count(),
        "message_count": selectors.messages_visible_to(user).count(),
        "is_operator": selectors.is_operator(user),
    }
    return render(request, "exchange/overview.html", context)


@login_required
def message_list(request):
    user = _viewer(request)
    queryset = (
        selectors.messages_visible_to(user).select_related("agency").prefetch_related("deliveries__endpoint")
    )
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        queryset = queryset.filter(deliveries__status=status).distinct()
    for name in ("topic", "key"):
        if request.GET.get(name):
            queryset = queryset.filter(**{name: request.GET[name].strip()})
    page, query = _page(request, queryset.order_by("-id"))
    return render(
        request,
        "exchange/message_list.html",
        {"page": page, "query": query, "statuses": DeliveryStatus.choices, "status": status},
    )


@login_required
def message_detail(request, pk: int):
    user = _viewer(request)
    message = get_object_or_404(selectors.messages_visible_to(user).select_related("agency"), pk=pk)
    deliveries = message.deliveries.select_related("endpoint").prefetch_related("failures")
    context = {
        "message": message,
        "deliveries": deliveries,
        "payload": json.dumps(message.payload, ensure_ascii=False, indent=2),
        "is_operator": selectors.is_operator(user),
    }
    return render(request, "exchange/message_detail.html", context)


@login_required
def dead_letters(request):
    user = _viewer(request)
    queryset = selectors.deliveries_visible_to(user).filter(status=DeliveryStatus.DEAD).order_by("message_id")
    page, query = _page(request, queryset)
    return render(
        request,
        "exchange/dead_letters.html",
        {"page": page, "query": query, "is_operator": selectors.is_operator(user)},
    )


@login_required
@require_POST
def delivery_action(request, pk: int, verb: str):
    user = _viewer(request)
    if verb not in ("retry", "skip"):
        raise Http404
    found = get_object_or_404(selectors.deliveries_visible_to(user), pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if verb == "retry":
            services.retry_delivery(found, actor=user, reason=reason)
            messages.success(request, _("已重新排队，按顺序推送。"))
        else:
            services.skip_delivery(found, actor=user, reason=reason)
            messages.success(request, _("已跳过该死信，后续消息将继续推送。"))
    except DomainError as refusal:
        messages.error(request, refusal.message)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/exchange/") else "exchange:dead")


@login_required
@require_http_methods(["GET", "POST"])
def replay(request, pk: int):
    user = _viewer(request)
    endpoint = get_object_or_404(selectors.endpoints_visible_to(user), pk=pk)
    error, values = "", request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            from_seq = int(values["from_seq"]) if values.get("from_seq", "").strip() else None
            from_time = _datetime(values.get("from_time", ""))
            count = services.replay(
                endpoint, actor=user, from_seq=from_seq, from_time=from_time, reason=values.get("reason", "")
            )
        except ValueError:
            error = _("起点序号应为正整数，时间格式如 2026-03-10 08:00。")
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("已安排重放 %(n)s 条消息。") % {"n": count})
            return redirect("exchange:overview")
    return render(
        request,
        "exchange/replay.html",
        {"endpoint": endpoint, "error": error, "values": values, "is_operator": selectors.is_operator(user)},
        status=422 if error else 200,
    )


def _datetime(raw: str) -> dt.datetime | None:
    raw = raw.strip().replace("T", " ")
    if not raw:
        return None
    value = parse_datetime(raw if len(raw) > 10 else raw + " 00:00")
    if value is None:
        raise ValueError(raw)
    from django.utils import timezone

    return timezone.make_aware(value) if timezone.is_naive(value) else value


@login_required
def received_list(request):
    user = _viewer(request)
    queryset = selectors.received_visible_to(user)
    for name in ("source", "topic", "key"):
        if request.GET.get(name):
            queryset = queryset.filter(**{name: request.GET[name].strip()})
    page, query = _page(request, queryset.order_by("-id"))
    return render(request, "exchange/received_list.html", {"page": page, "query": query})


@login_required
def received_detail(request, pk: int):
    user = _viewer(request)
    message = get_object_or_404(selectors.received_visible_to(user), pk=pk)
    payload = json.dumps(message.payload, ensure_ascii=False, indent=2)
    return render(request, "exchange/received_detail.html", {"message": message, "payload": payload})


@login_required
def import_list(request):
    user = request.user
    if not selectors.is_operator(user):
        raise Http404
    page, query = _page(request, ImportRun.objects.select_related("actor"), size=30)
    return render(request, "exchange/import_list.html", {"page": page, "query": query})
