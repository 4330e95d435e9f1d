from django import template

register = template.Library()


@register.filter
def yi_runs(text):
    """Escaped text with runs of Yi characters marked for the Yi font, as the
    PDF renderer needs (it takes every glyph of a run from one font)."""
    from core.pdf import scripts_html

    return scripts_html(str(text or ""))


@register.filter
def hours(value):
    """12.0 -> "12", 12.5 -> "12.5"."""
    if value is None or value == "":
        return "—"
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def matrix_cells(cells):
    """The course cells of a matrix row as HTML. Built here rather than with a
    template include per cell: a page of 50 teachers and 20 courses has 1,000
    cells, and an include each would take most of the page's time."""
    from django.utils import timezone
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    from courses.models.learning import CompletionStatus
    from reports.tables import plain_number

    labels = {key: escape(label) for key, label in CompletionStatus.choices}
    points, lessons = gettext("%(score)s pts"), gettext("%(done)s/%(total)s lessons")
    html = []
    for cell in cells:
        status = cell.status if cell.status in labels else CompletionStatus.NOT_STARTED
        detail = ""
        if status == CompletionStatus.COMPLETED:
            if cell.completed_at:
                detail = timezone.localtime(cell.completed_at).strftime("%Y-%m-%d")
            if cell.score is not None:
                score = points % {"score": plain_number(cell.score)}
                detail = f"{detail} · {score}" if detail else score
        elif status == CompletionStatus.IN_PROGRESS:
            detail = lessons % {
                "done": cell.lessons_completed,
                "total": cell.lessons_total,
            }
        small = f"<small>{escape(detail)}</small>" if detail else ""
        html.append(
            f'<td class="cell {status}"><span class="state">{labels[status]}</span>'
            f"{small}</td>"
        )
    return mark_safe("".join(html))  # every part escaped above
