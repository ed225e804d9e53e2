from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from sanxiang.core.workbench import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "roles"):
        return {}
    items = []
    for item in nav_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {"label": _(item.label), "url": url, "active": request.path.startswith(url) and url != "/"}
        )
    return {"nav_items": items}
