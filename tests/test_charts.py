from webapp.charts import horizontal_bar_chart


def test_bar_chart_is_inline_svg_with_escaped_labels_as_text():
    svg = horizontal_bar_chart(["Financiering", "<script>x</script>"], [12, 3], title="Thema's")
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert "Financiering" in svg and "12" in svg  # text stays text, so the PDF's fonts apply
    assert "<script>" not in svg and "&lt;script&gt;" in svg
