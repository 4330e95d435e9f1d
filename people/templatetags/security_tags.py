from django import template

from people.mfa import mfa_required as _mfa_required

register = template.Library()


@register.filter
def mfa_required(user) -> bool:
    """{% if user|mfa_required %}: must this person use two-factor sign-in?"""
    return _mfa_required(user)
