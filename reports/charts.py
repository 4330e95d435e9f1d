"""Charts drawn on the server as small inline SVG: no chart library, nothing
from a CDN, a few hundred bytes a bar. Bars are horizontal with the label and
value above each bar, and sizes in pixels rather than a viewBox, so the text
stays readable on a 360 px phone while the bars stretch to the width."""

from dataclasses import dataclass
from itertools import count

from django.utils.html import format_html, format_html_join

ROW_HEIGHT = 40
LABEL_CHARS = 18
_ids = count(1)


@dataclass
class Bar:
    label: str
    value: float  # 0..maximum
    text: str  # what the value reads as, e.g. "75% (6/8)"


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(*, title: str, description: str, bars: list[Bar], maximum=100) -> str:
    """An accessible SVG bar chart (<title> and <desc>, and each bar's full
    label and value in its own <title>)."""
    number = next(_ids)
    height = max(1, len(bars)) * ROW_HEIGHT
    rows = format_html_join(
        "",
        "<g><title>{}: {}</title>"
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<text x="100%" y="{}" text-anchor="end" class="chart-value">{}</text>'
        '<rect x="0" y="{}" width="100%" height="10" rx="3" class="chart-track"/>'
        '<rect x="0" y="{}" width="{}%" height="10" rx="3" class="chart-bar"/></g>',
        (
            (
                bar.label,
                bar.text,
                n * ROW_HEIGHT + 15,
                _short(bar.label),
                n * ROW_HEIGHT + 15,
                bar.text,
                n * ROW_HEIGHT + 22,
                n * ROW_HEIGHT + 22,
                _width(bar.value, maximum),
            )
            for n, bar in enumerate(bars)
        ),
    )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        'height="{}" role="img" aria-labelledby="chart{}-title chart{}-desc">'
        '<title id="chart{}-title">{}</title><desc id="chart{}-desc">{}</desc>'
        "{}</svg>",
        height,
        number,
        number,
        number,
        title,
        number,
        description,
        rows,
    )


def _width(value, maximum) -> str:
    if not maximum or value <= 0:
        return "0"  # the template adds the "%"
    share = min(1.0, float(value) / float(maximum))
    return f"{100 * share:.1f}"


def rate_bars(items, *, label, completed, total) -> list[Bar]:
    """Bars of completion rates: label(item), completed(item) of total(item)."""
    bars = []
    for item in items:
        done, whole = completed(item), total(item)
        rate = round(100 * done / whole) if whole else 0
        bars.append(Bar(label(item), rate, f"{rate}% ({done}/{whole})"))
    return bars
