import re

from reports.charts import Bar, bar_chart, rate_bars


def test_bar_chart_is_accessible_svg_sized_in_pixels():
    svg = str(
        bar_chart(
            title="各校完成率",
            description="已完成研修的学员比例",
            bars=[Bar("洪溪初级中学", 75, "75% (6/8)"), Bar("ꀊꁨꃀꑭ", 0, "0% (0/3)")],
        )
    )

    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "viewBox" not in svg  # text keeps its size on a narrow phone
    assert 'height="80"' in svg
    assert 'width="75.0%"' in svg and 'width="0%"' in svg
    assert "洪溪初级中学: 75% (6/8)" in svg


def test_bar_chart_escapes_labels_and_shortens_long_ones():
    svg = str(
        bar_chart(
            title="t",
            description="d",
            bars=[
                Bar("<script>x</script>学校名字很长很长很长很长很长很长很长", 120, "x")
            ],
        )
    )

    assert "<script>" not in svg
    assert "…" in svg
    assert 'width="100.0%"' in svg  # capped at the maximum


def test_rate_bars_handle_empty_groups():
    bars = rate_bars(
        [("a", 3, 4), ("b", 0, 0)],
        label=lambda r: r[0],
        completed=lambda r: r[1],
        total=lambda r: r[2],
    )

    assert [(b.value, b.text) for b in bars] == [(75, "75% (3/4)"), (0, "0% (0/0)")]
    assert re.match(r"\d+% \(\d+/\d+\)", bars[0].text)
