"""Navigation for the signed-in user's role."""

from .roles import role_labels
from .ui import NAV_ITEMS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": [item for item in NAV_ITEMS if user.has_perm(item.permission)],
        "user_roles": role_labels(user),
    }
