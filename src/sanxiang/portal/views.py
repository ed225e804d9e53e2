from django.shortcuts import render

from sanxiang.org.models import Agency


def home(request):
    agencies = Agency.objects.select_related("division").order_by("division__path", "code")
    return render(request, "portal/home.html", {"agencies": agencies})
