from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User


@login_required
def agency_list(request):
    agencies = (
        Agency.objects.restrict(request.user)
        .select_related("division")
        .annotate(staff_count=Count("staff", distinct=True), item_count=Count("items", distinct=True))
    )
    return render(request, "org/agency_list.html", {"agencies": agencies})


@login_required
def agency_detail(request, code: str):
    agency = get_object_or_404(Agency.objects.restrict(request.user), code=code)
    staff = agency.staff.filter(is_active=True).prefetch_related("groups", "certificates")
    return render(
        request,
        "org/agency_detail.html",
        {"agency": agency, "staff": staff, "items": agency.items.all()[:200], "today": clock.today()},
    )


@login_required
def officer_list(request):
    query = request.GET.get("q", "").strip()[:60]
    officers = User.objects.restrict(request.user).filter(groups__name=Role.OFFICER, is_active=True)
    if query:
        officers = officers.filter(Q(full_name__icontains=query) | Q(username__icontains=query))
    page = Paginator(
        officers.select_related("agency")
        .prefetch_related("certificates")
        .order_by("agency__code", "username"),
        50,
    )
    return render(
        request,
        "org/officer_list.html",
        {"page": page.get_page(request.GET.get("page")), "q": query, "today": clock.today()},
    )


@login_required
def officer_detail(request, username: str):
    officer = get_object_or_404(User.objects.restrict(request.user), username=username)
    return render(
        request,
        "org/officer_detail.html",
        {
            "officer": officer,
            "certificates": officer.certificates.prefetch_related("fields"),
            "training": officer.training_records.all()[:50],
            "today": clock.today(),
        },
    )
