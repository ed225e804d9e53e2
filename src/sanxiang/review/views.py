"""Staff pages of legal review. Every change goes through `services`; a refusal shows its message
next to the form that caused it, with the user's input kept (HTTP 422)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.cases import page_sections
from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.signals import case_viewed
from sanxiang.catalog.models import CriterionKind
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, NotFound
from sanxiang.core.parsing import parse_int
from sanxiang.core.roles import Role
from sanxiang.core.scoping import agency_in_scope
from sanxiang.org.models import Agency, User
from sanxiang.review import forms, selectors, services
from sanxiang.review import permissions as perm
from sanxiang.review.choices import Aspect, ContestState, State
from sanxiang.review.models import Appointment, ReviewBody


def _case_or_404(request, number: str):
    try:
        return case_selectors.case_for(request.user, number=number)
    except NotFound:
        raise Http404 from None


def _review_or_404(request, pk: int):
    try:
        return selectors.review_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def _agency_or_404(request, code: str) -> Agency:
    return get_object_or_404(Agency.objects.restrict(request.user), code=code)


def _fail(form, refusal: DomainError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


# --- queue, head, overview -------------------------------------------------------------------


@login_required
def queue(request):
    user = request.user
    if not (
        user.roles & {Role.REVIEWER, Role.HEAD, Role.SUPERVISOR} or selectors.reviewer_queue(user).exists()
    ):
        raise Http404
    context = {
        "mine": selectors.reviewer_queue(user),
        "intake": selectors.intake_queue(user),
        "overdue": selectors.overdue_reviews(user)[:50],
        "recent": selectors.reviews_visible_to(user).order_by("-submitted_at")[:30],
        "today": clock.today(),
    }
    return render(request, "review/queue.html", context)


@login_required
def head_page(request):
    """负责人审批页: contests to decide, major cases and their review status, overdue reviews."""
    user = request.user
    if not user.has_role(Role.HEAD):
        raise Http404
    context = {
        "contests": selectors.head_contests(user),
        "major": selectors.major_cases_pending(user),
        "overdue": selectors.overdue_reviews(user).filter(case__agency=user.agency),
        "today": clock.today(),
    }
    return render(request, "review/head.html", context)


@login_required
def overview(request):
    user = request.user
    if not user.roles & {Role.SUPERVISOR, Role.HEAD, Role.REVIEWER}:
        raise Http404
    return render(
        request, "review/overview.html", {"overview": selectors.overview(user), "today": clock.today()}
    )


# --- a case: flags, submission, collective discussion ----------------------------------------


@login_required
@require_POST
def add_flag(request, number: str):
    case = _case_or_404(request, number)
    form = forms.FlagForm(request.POST)
    if form.is_valid():
        try:
            services.add_flag(case, actor=request.user, **form.cleaned_data)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("已标记重大情形，案件已重新判定。"))
    else:
        messages.error(request, _("请选择情形并填写理由。"))
    return redirect("cases:detail", number=case.number)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, number: str):
    case = _case_or_404(request, number)
    draft_choices = () if services.makes_proposals(case) else services.decision_choices(case)
    form = forms.SubmitForm(request.POST or None, draft_choices=draft_choices)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.submit(
                case,
                actor=request.user,
                evidence_list=form.cleaned_data["evidence_list"],
                note=form.cleaned_data["note"],
                draft=form.draft(),
            )
        except DomainError as refusal:
            _fail(form, refusal)
        else:
            messages.success(request, _("已送审（第%(round)s轮）。") % {"round": review.round})
            return redirect("cases:detail", number=case.number)
    status = selectors.status_of(case)
    context = {"case": case, "form": form, "status": status, "proposal": case.current_proposal}
    return render(request, "review/submit.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def discussion(request, number: str):
    case = _case_or_404(request, number)
    contest = None
    if request.GET.get("contest") or request.POST.get("contest"):
        try:
            contest = selectors.contest_for(
                request.user, parse_int(request.GET.get("contest") or request.POST["contest"], 0)
            )
        except (NotFound, ValueError):
            raise Http404 from None
    people = User.objects.filter(agency=case.agency, is_active=True, groups__name=Role.HEAD).distinct()
    form = forms.DiscussionForm(request.POST or None, people=people, initial={"held_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.hold_discussion(
                case,
                actor=request.user,
                held_on=data["held_on"],
                attendees=list(people.filter(username__in=data["attendees"])),
                other_attendees=data["other_attendees"],
                minutes=data["minutes"],
                outcome=data["outcome"],
                contest=contest,
            )
        except DomainError as refusal:
            _fail(form, refusal)
        else:
            messages.success(request, _("已记录集体讨论。"))
            return redirect("cases:detail", number=case.number)
    context = {"case": case, "form": form, "contest": contest, "status": selectors.status_of(case)}
    return render(request, "review/discussion.html", context, status=422 if form.errors else 200)


# --- one review ------------------------------------------------------------------------------


def _checklist_initial(review) -> dict:
    initial = {"outcome": review.outcome, "opinion": review.opinion}
    for f in review.findings.all():
        initial[f"{f.aspect}_result"], initial[f"{f.aspect}_notes"] = f.result, f.notes
    return initial


def _review_context(request, review, **forms_in) -> dict:
    user, case = request.user, review.case
    is_reviewer = review.reviewer_id == user.pk and review.state == State.ASSIGNED
    in_agency = user.agency_id == case.agency_id
    body = in_agency and bool(user.roles & {Role.REVIEWER, Role.HEAD}) and not perm.is_handler(case, user)
    contest = review.contests.order_by("-raised_at").first()
    return {
        "review": review,
        "case": case,
        "proposal": review.proposal,
        "classification": services.current_classification(case),
        "materials": review.materials,
        "material_labels": selectors.materials_labels(),
        "findings": {f.aspect: f for f in review.findings.all()},
        "aspects": Aspect.choices,
        "contest": contest,
        "is_reviewer": is_reviewer,
        "can_intake": body and review.state == State.SUBMITTED,
        "can_assign": body and review.state in (State.ACCEPTED, State.ASSIGNED),
        "can_extend": in_agency
        and user.has_role(Role.HEAD)
        and review.state in (State.ACCEPTED, State.ASSIGNED),
        "can_contest": in_agency
        and perm.is_handler(case, user)
        and review.state == State.CONCLUDED
        and review.outcome in ("amend", "disagree")
        and contest is None,
        "eligible": selectors.eligible_reviewers(case)
        if body and review.state in (State.ACCEPTED, State.ASSIGNED)
        else [],
        "checklist": forms_in.get("checklist") or forms.ChecklistForm(initial=_checklist_initial(review)),
        "refuse_form": forms_in.get("refuse_form") or forms.RefuseForm(),
        "assign_form": forms_in.get("assign_form") or forms.AssignForm(),
        "extend_form": forms_in.get("extend_form") or forms.ReasonForm(),
        "contest_form": forms_in.get("contest_form") or forms.ReasonForm(),
        "error": forms_in.get("error", ""),
        "today": clock.today(),
        "extra_sections": page_sections.render_for(request, case, place="review"),
    }


def _log_read(request, review) -> None:
    """I7: a read of the case file through the review page is an access like any other."""
    try:
        case_viewed.send(
            type(review.case), case=review.case, user=request.user, door="review", reason="法制审核"
        )
    except DomainError:
        raise Http404 from None


@login_required
def review_detail(request, pk: int):
    review = _review_or_404(request, pk)
    _log_read(request, review)
    return render(request, "review/detail.html", _review_context(request, review))


def _act(request, review, fn, success: str, **forms_in):
    try:
        fn()
    except DomainError as refusal:
        for form in forms_in.values():
            _fail(form, refusal)
        context = _review_context(request, review, error=refusal.message, **forms_in)
        return render(request, "review/detail.html", context, status=422)
    messages.success(request, success)
    return redirect("review:detail", pk=review.pk)


@login_required
@require_POST
def accept(request, pk: int):
    review = _review_or_404(request, pk)
    return _act(request, review, lambda: services.accept(review, actor=request.user), _("已受理。"))


@login_required
@require_POST
def refuse(request, pk: int):
    review = _review_or_404(request, pk)
    form = forms.RefuseForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _act(
        request,
        review,
        lambda: services.refuse(
            review, actor=request.user, missing=data.get("missing", []), reason=data.get("reason", "")
        ),
        _("已退回，并列明缺少的材料。"),
        refuse_form=form,
    )


@login_required
@require_POST
def assign(request, pk: int):
    review = _review_or_404(request, pk)
    form = forms.AssignForm(request.POST)
    reviewer = User.objects.filter(username=request.POST.get("reviewer", "")).first()

    def act():
        if reviewer is None:
            raise DomainError("review.reviewer.unknown", _("请选择审核人。"), field="reviewer")
        services.assign(review, actor=request.user, reviewer=reviewer)

    form.is_valid()
    return _act(request, review, act, _("已分配审核人。"), assign_form=form)


@login_required
@require_POST
def checklist(request, pk: int):
    """Save the checklist (`save`) or conclude with the opinion (`conclude`)."""
    review = _review_or_404(request, pk)
    form = forms.ChecklistForm(request.POST)
    if not form.is_valid():
        return render(
            request, "review/detail.html", _review_context(request, review, checklist=form), status=422
        )
    data = form.cleaned_data
    if "conclude" in request.POST:
        return _act(
            request,
            review,
            lambda: services.conclude(
                review,
                actor=request.user,
                outcome=data["outcome"],
                opinion=data["opinion"],
                findings=form.findings(),
                late_reason=data["late_reason"],
            ),
            _("已出具审核意见。"),
            checklist=form,
        )
    return _act(
        request,
        review,
        lambda: services.record_findings(review, actor=request.user, findings=form.findings()),
        _("已保存审核要点。"),
        checklist=form,
    )


@login_required
@require_POST
def extend(request, pk: int):
    review = _review_or_404(request, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    return _act(
        request,
        review,
        lambda: services.extend(review, actor=request.user, reason=reason),
        _("已延长审核期限。"),
        extend_form=form,
    )


@login_required
@require_POST
def contest(request, pk: int):
    review = _review_or_404(request, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    reasons = form.cleaned_data.get("reason", "")
    return _act(
        request,
        review,
        lambda: services.contest(review, actor=request.user, reasons=reasons),
        _("已提出异议，报负责人决定。"),
        contest_form=form,
    )


@login_required
def opinion(request, pk: int):
    """法制审核意见书 (printable; the documents app renders the DOCX/PDF from the same fields)."""
    review = _review_or_404(request, pk)
    if review.state not in (State.CONCLUDED, State.VOIDED) or not review.concluded_at:
        raise Http404
    _log_read(request, review)
    return render(request, "review/opinion.html", {"review": review, "doc": selectors.opinion_fields(review)})


@login_required
@require_http_methods(["GET", "POST"])
def contest_decision(request, pk: int):
    try:
        contest = selectors.contest_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    form = forms.HeadDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_contest(contest, actor=request.user, **form.cleaned_data)
        except DomainError as refusal:
            _fail(form, refusal)
        else:
            messages.success(request, _("已作出决定。"))
            if form.cleaned_data["decision"] == "refer":
                url = f"{_discussion_url(contest)}?contest={contest.pk}"
                return redirect(url)
            return redirect("review:head")
    context = {
        "contest": contest,
        "review": contest.review,
        "case": contest.review.case,
        "form": form,
        "pending": contest.state == ContestState.PENDING,
    }
    return render(request, "review/contest.html", context, status=422 if form.errors else 200)


def _discussion_url(contest) -> str:
    from django.urls import reverse

    return reverse("review:discussion", args=[contest.review.case.number])


# --- review bodies and staffing --------------------------------------------------------------


@login_required
def bodies(request):
    return render(request, "review/bodies.html", {"rows": selectors.staffing_in_scope(request.user)})


@login_required
def body_detail(request, code: str):
    agency = _agency_or_404(request, code)
    return render(request, "review/body.html", _body_context(request, agency))


def _body_context(request, agency, **forms_in) -> dict:
    today = clock.today()
    reviewers = User.objects.filter(agency=agency, is_active=True, groups__name=Role.REVIEWER).distinct()
    body = ReviewBody.objects.filter(agency=agency).select_related("leader").first()
    user = request.user
    can_edit = perm.active(user) and user.agency_id == agency.pk and user.has_role(Role.HEAD)
    initial = {"name": f"{agency.name}法制审核机构"}
    if body is not None:
        leader = body.leader.username if body.leader else ""
        initial = {"name": body.name, "leader": leader, "phone": body.phone, "note": body.note}
    return {
        "agency": agency,
        "body": body,
        "staffing": selectors.staffing(agency, today),
        "reviewers": reviewers,
        "appointments": Appointment.objects.filter(agency=agency).select_related("user__agency"),
        "can_edit": can_edit,
        "body_form": forms_in.get("body_form") or forms.ReviewBodyForm(initial=initial, reviewers=reviewers),
        "appoint_form": forms_in.get("appoint_form") or forms.AppointmentForm(initial={"starts_on": today}),
        "today": today,
    }


@login_required
@require_POST
def body_edit(request, code: str):
    agency = _agency_or_404(request, code)
    reviewers = User.objects.filter(agency=agency, is_active=True, groups__name=Role.REVIEWER).distinct()
    form = forms.ReviewBodyForm(request.POST, reviewers=reviewers)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_review_body(
                agency,
                actor=request.user,
                name=data["name"],
                leader=reviewers.filter(username=data["leader"]).first() if data["leader"] else None,
                phone=data["phone"],
                note=data["note"],
            )
        except DomainError as refusal:
            _fail(form, refusal)
        else:
            messages.success(request, _("已保存。"))
            return redirect("review:body", code=agency.code)
    return render(request, "review/body.html", _body_context(request, agency, body_form=form), status=422)


@login_required
@require_POST
def appoint(request, code: str):
    agency = _agency_or_404(request, code)
    form = forms.AppointmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(username=data["user"], is_active=True).first()
        try:
            if user is None:
                raise DomainError("review.appointment.unknown_user", _("未找到该人员。"), field="user")
            services.appoint(
                agency,
                actor=request.user,
                user=user,
                kind=data["kind"],
                basis=data["basis"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except DomainError as refusal:
            _fail(form, refusal)
        else:
            messages.success(request, _("已聘任。"))
            return redirect("review:body", code=agency.code)
    return render(request, "review/body.html", _body_context(request, agency, appoint_form=form), status=422)


# --- catalogs --------------------------------------------------------------------------------


@login_required
def catalogs(request):
    agencies = Agency.objects.restrict(request.user).order_by("division__path", "code")
    rows = [(a, a.review_catalogs.order_by("-version").first()) for a in agencies]
    return render(request, "review/catalogs.html", {"rows": rows, "today": clock.today()})


@login_required
def catalog_history(request, code: str):
    agency = _agency_or_404(request, code)
    versions = list(selectors.catalog_versions(agency))
    history = []
    for i, version in enumerate(versions):
        before = (
            [services.criterion_dict(c) for c in versions[i + 1].criteria.all()]
            if i + 1 < len(versions)
            else []
        )
        after = [services.criterion_dict(c) for c in version.criteria.all()]
        history.append((version, services.catalog_changes(before, after)))
    context = {
        "agency": agency,
        "history": history,
        "in_force": selectors.published_catalog(agency),
        "can_edit": _can_edit_catalog(request.user, agency),
        "kinds": dict(CriterionKind.choices),
    }
    return render(request, "review/catalog_history.html", context)


def _can_edit_catalog(user, agency) -> bool:
    return perm.active(user) and user.agency_id == agency.pk and bool(user.roles & {Role.HEAD, Role.REVIEWER})


@login_required
@require_http_methods(["GET", "POST"])
def catalog_edit(request, code: str):
    agency = _agency_or_404(request, code)
    if not agency_in_scope(request.user, agency, "change"):
        raise Http404
    latest = agency.review_catalogs.order_by("-version").first()
    if request.method == "POST":
        form = forms.CatalogForm(request.POST)
        formset = forms.CriterionFormSet(request.POST, prefix="c")
        if form.is_valid() and formset.is_valid():
            criteria = [c for c in (f.as_criterion() for f in formset.forms) if c]
            try:
                catalog = services.publish_catalog_version(
                    agency, actor=request.user, criteria=criteria, **form.cleaned_data
                )
            except DomainError as refusal:
                _fail(form, refusal)
            else:
                messages.success(request, _("已发布第%(v)s版。") % {"v": catalog.version})
                return redirect("review:catalog_history", code=agency.code)
    else:
        initial = (
            [
                {**services.criterion_dict(c), "values": ", ".join(c.values or [])}
                for c in latest.criteria.all()
            ]
            if latest
            else []
        )
        form = forms.CatalogForm(
            initial={"effective_from": clock.today(), "source": latest.source if latest else ""}
        )
        formset = forms.CriterionFormSet(initial=initial, prefix="c")
    context = {"agency": agency, "form": form, "formset": formset, "latest": latest}
    return render(
        request, "review/catalog_edit.html", context, status=422 if form.errors or formset.errors else 200
    )
