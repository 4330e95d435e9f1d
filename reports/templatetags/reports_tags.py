from django import template

register = template.Library()


@register.filter
def yi_runs(text):
    """Escaped text with runs of Yi characters marked for the Yi font, as the
    PDF renderer needs (it takes every glyph of a run from one font)."""
    from certificates.pdf import scripts_html

    return scripts_html(str(text or ""))


@register.filter
def hours(value):
    """12.0 -> "12", 12.5 -> "12.5"."""
    if value is None or value == "":
        return "—"
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
