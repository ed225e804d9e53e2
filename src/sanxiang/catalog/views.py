from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from sanxiang.catalog import services
from sanxiang.catalog.choices import Category
from sanxiang.catalog.models import Article, EnforcementItem, Law, RuleParameter
from sanxiang.core import clock


@login_required
def item_list(request):
    items = EnforcementItem.objects.restrict(request.user).select_related("agency", "field")
    query, category = request.GET.get("q", "").strip()[:60], request.GET.get("category", "")
    if query:
        items = items.filter(Q(name__icontains=query) | Q(code__icontains=query))
    if category in Category.values:
        items = items.filter(category=category)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/item_list.html",
        {"page": page, "q": query, "category": category, "categories": Category.choices},
    )


@login_required
def item_detail(request, code: str):
    item = get_object_or_404(EnforcementItem.objects.restrict(request.user), code=code)
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "legal_basis": item.legal_basis.select_related("law"),
            "penalty_basis": item.penalty_basis.select_related("law"),
            "benchmark": services.benchmark_in_force(item, clock.today()),
            "benchmarks": item.benchmarks.all(),
        },
    )


@login_required
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("law"), pk=pk)
    return render(request, "catalog/article_detail.html", {"article": article})


@login_required
def law_list(request):
    return render(request, "catalog/law_list.html", {"laws": Law.objects.all()})


@login_required
def law_detail(request, code: str):
    law = get_object_or_404(Law, code=code)
    return render(request, "catalog/law_detail.html", {"law": law, "articles": law.articles.all()})


@login_required
def rule_list(request):
    """法定参数: every legal number with its source and confidence (I8)."""
    return render(
        request, "catalog/rule_list.html", {"rules": RuleParameter.objects.select_related("agency")}
    )
