from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }} for dict lookups with a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def percent_of(part, whole) -> int:
    """Whole-number percentage, capped at 100, for progress bars."""
    try:
        return min(100, round(100 * float(part) / float(whole)))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
