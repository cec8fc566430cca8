import pytest

from webapp.charts import horizontal_bar_chart

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database


def test_bar_chart_is_inline_svg_with_escaped_labels_as_text():
    svg = horizontal_bar_chart(["Financiering", "<script>x</script>"], [12, 3], title="Thema's")
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert "Financiering" in svg and "12" in svg  # text stays text, so the PDF's fonts apply
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_dollar_signs_in_labels_are_text_not_mathematics():
    # matplotlib would parse "$\frac$" as (broken) mathematics and fail the whole chart
    svg = horizontal_bar_chart(["Kosten $\\frac$ per jaar", "$5 per uur$"], [2, 1], title="$ budget")
    assert svg.startswith("<svg")
    assert "Kosten $\\frac$ per jaar" in svg and "$5 per uur$" in svg
