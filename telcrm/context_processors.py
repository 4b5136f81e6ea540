"""Navigation for the signed-in user's role."""

from django.urls import reverse

from .roles import role_labels
from .ui import NAV_ITEMS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for item in NAV_ITEMS:
        if user.has_perm(item.permission):
            url = reverse(item.url_name)
            items.append((item, url, request.path.startswith(url)))
    return {
        "nav_items": items,
        "user_roles": role_labels(user),
    }
