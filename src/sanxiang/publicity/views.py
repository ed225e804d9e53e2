"""The publicity desk (公示管理): drafts by due date (overdue in red), the check → publish steps,
withdrawals and updates, the item list with its legality check, service windows and the annual
report. Every change goes through `services`; refusals are shown beside the button that caused
them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, NotFound
from sanxiang.core.roles import Role
from sanxiang.org.models import User
from sanxiang.org.reauth import recent_auth_required
from sanxiang.publicity import annual, before, content, selectors, services
from sanxiang.publicity.choices import PublicationKind
from sanxiang.publicity.models import ServiceWindow
from sanxiang.records.models import Entry


def _pub_or_404(request, pk):
    try:
        return selectors.publication_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def _staff_or_404(request):
    if request.user.agency is None or not request.user.roles:
        raise Http404


@login_required
def desk(request):
    _staff_or_404(request)
    show = request.GET.get("show", "open")
    if show == "done":
        queryset = (
            selectors.publications_visible_to(request.user)
            .exclude(status__in=selectors.OPEN)
            .order_by("-last_published_at", "-pk")
        )
    else:
        queryset = selectors.open_publications(request.user)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    agency = request.user.agency
    return render(
        request,
        "publicity/desk.html",
        {
            "page": page,
            "show": show,
            "today": clock.today(),
            "overdue": selectors.overdue_count(request.user),
            "needs_update": selectors.items_needing_update(request.user)[:50],
            "item_list": selectors.item_list_publication(agency),
            "is_editor": request.user.has_role(Role.PUBLICITY_EDITOR),
        },
    )


class EditForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("决定书文号"), max_length=100, required=False)
    title = forms.CharField(label=gettext_lazy("违法行为类型/事项"), max_length=200)
    facts = forms.CharField(label=gettext_lazy("主要事实"), widget=forms.Textarea, required=False)
    basis = forms.CharField(label=gettext_lazy("依据"), widget=forms.Textarea, required=False)
    outcome = forms.CharField(label=gettext_lazy("决定内容"), widget=forms.Textarea, required=False)
    licence = forms.CharField(label=gettext_lazy("许可证书/编号"), max_length=200, required=False)


@login_required
def detail(request, pk):
    pub = _pub_or_404(request, pk)
    preview = None
    if pub.kind == PublicationKind.DECISION:
        preview = content.public_body(pub.content, pub.persons, agency=pub.agency)
        form = EditForm(initial={k: pub.content.get(k, "") for k in services.EDITABLE_FIELDS})
    else:
        form = None
    legality = before.legality_check(pub.agency) if pub.kind == PublicationKind.ITEM_LIST else None
    history = Entry.objects.filter(stream=pub.stream).select_related("actor").order_by("seq")
    return render(
        request,
        "publicity/detail.html",
        {
            "pub": pub,
            "preview": preview,
            "form": form,
            "legality": legality,
            "history": history,
            "today": clock.today(),
            "late": services.is_late(pub),
            "can_edit": request.user.has_role(Role.PUBLICITY_EDITOR)
            and pub.agency_id == request.user.agency_id,
        },
    )


def _run(request, pk, action):
    pub = _pub_or_404(request, pk)
    try:
        action(pub)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已办理。"))
    return redirect("publicity:detail", pk=pub.pk)


@login_required
@require_POST
def edit(request, pk):
    _pub_or_404(request, pk)  # scope first: out of scope is 404 whatever the form holds
    form = EditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("输入有误，请检查。"))
        return redirect("publicity:detail", pk=pk)
    return _run(request, pk, lambda pub: services.edit(pub, actor=request.user, changes=form.cleaned_data))


@login_required
@require_POST
def check(request, pk):
    return _run(
        request,
        pk,
        lambda pub: services.check(
            pub,
            actor=request.user,
            confidentiality_reviewed=request.POST.get("confidentiality_reviewed") == "on",
            note=request.POST.get("note", ""),
        ),
    )


@login_required
@require_POST
@recent_auth_required
def publish(request, pk):
    return _run(
        request, pk, lambda pub: services.publish(pub, actor=request.user, note=request.POST.get("note", ""))
    )


@login_required
@require_POST
def withhold(request, pk):
    return _run(
        request,
        pk,
        lambda pub: services.withhold(pub, actor=request.user, reason=request.POST.get("reason", "")),
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _run(
        request,
        pk,
        lambda pub: services.withdraw(pub, actor=request.user, reason=request.POST.get("reason", "")),
    )


@login_required
@require_POST
def revise(request, pk):
    return _run(
        request,
        pk,
        lambda pub: services.revise(pub, actor=request.user, reason=request.POST.get("reason", "")),
    )


@login_required
@require_POST
def draft_item_list(request):
    _staff_or_404(request)
    try:
        pub = services.draft_item_list(request.user.agency, actor=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("publicity:desk")
    return redirect("publicity:detail", pk=pub.pk)


# --- service windows -------------------------------------------------------------------------


class WindowForm(forms.ModelForm):
    class Meta:
        model = ServiceWindow
        fields = [
            "name",
            "location",
            "hours",
            "duties",
            "staff",
            "sample_texts",
            "progress_query",
            "complaint_channel",
            "order",
        ]

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(agency=agency, is_active=True)


@login_required
def windows(request):
    _staff_or_404(request)
    return render(
        request,
        "publicity/windows.html",
        {"windows": ServiceWindow.objects.restrict(request.user).prefetch_related("staff")},
    )


@login_required
def window_form(request, pk=None):
    _staff_or_404(request)
    window = None
    if pk is not None:
        window = ServiceWindow.objects.restrict(request.user).filter(pk=pk).first()
        if window is None:
            raise Http404
    form = WindowForm(request.POST or None, instance=window, agency=request.user.agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_window(
                request.user.agency, actor=request.user, data=form.cleaned_data, window=window
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已保存服务窗口。重新发布事项清单后在公示网站更新。"))
            return redirect("publicity:windows")
    return render(request, "publicity/window_form.html", {"form": form, "window": window})


# --- the annual statistics report ------------------------------------------------------------


def _report_scope(user):
    if user.has_role(Role.SUPERVISOR):
        agencies = annual.scope_agencies(a.code for a in user.agency.__class__.objects.restrict(user))
        return agencies, user.agency.division.name, None
    return annual.scope_agencies([user.agency.code]), user.agency.name, user.agency


@login_required
def annual_report(request):
    _staff_or_404(request)
    try:
        year = int(request.GET.get("year") or clock.today().year - 1)
    except ValueError:
        year = clock.today().year - 1
    year = min(max(year, 1990), clock.today().year)
    agencies, scope_name, agency = _report_scope(request.user)
    data = annual.build(year, agencies, scope_name=scope_name)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        body = annual.RENDERERS[fmt](data)
        types = {
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf": "application/pdf",
        }
        response = HttpResponse(body, content_type=types[fmt])
        response["Content-Disposition"] = f'attachment; filename="annual-{year}.{fmt}"'
        return response
    if request.method == "POST":
        try:
            services.publish_annual_report(year, actor=request.user, agency=agency)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("已在公示网站发布%(year)s年度统计年报。") % {"year": year})
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "publicity/annual.html",
        {
            "report_html": annual.render_html(data, standalone=False),
            "year": year,
            "years": range(clock.today().year, clock.today().year - 6, -1),
        },
    )
