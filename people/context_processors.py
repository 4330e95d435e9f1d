from .models import Role
from .navigation import nav_items_for
from .permissions import is_administrator
from .selectors import role_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    role = role_of(user)
    labels = dict(Role.choices)
    return {
        "nav_items": nav_items_for(user, request.path),
        "nav_role_label": "" if is_administrator(user) else labels.get(role, ""),
    }
