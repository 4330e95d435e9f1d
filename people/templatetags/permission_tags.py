"""Templates ask the apps' predicates (<app>/permissions.py) by name:

{% load permission_tags %}
{% if user|may:"certificates.can_revoke_certificates" %}...{% endif %}
"""

from importlib import import_module

from django import template

register = template.Library()


@register.filter
def may(user, predicate: str) -> bool:
    """Whether `user` passes the predicate "<app>.<name>" of <app>.permissions.
    An unknown name is a programming error and raises."""
    app, name = predicate.split(".", 1)
    return bool(getattr(import_module(f"{app}.permissions"), name)(user))
