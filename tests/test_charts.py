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


def _chart_files(folder):
    return sorted((folder / "chart-cache").glob("*.svg")) if (folder / "chart-cache").exists() else []


@pytest.fixture
def chart_folder(app, tmp_path, monkeypatch):
    """Charts kept as files, in an instance folder of the test's own; the process memory emptied
    before and after, so each test sees only files."""
    import webapp.charts as charts

    app.config["CHART_FILE_CACHE"] = True
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    charts._cached_bar_chart.cache_clear()
    with app.app_context():
        yield tmp_path
    charts._cached_bar_chart.cache_clear()


def test_a_chart_drawn_once_is_read_back_by_a_later_process_without_matplotlib(chart_folder, monkeypatch):
    import webapp.charts as charts

    first = horizontal_bar_chart(["Taal", "Werk <b>"], [7, 2], title="Thema's")
    files = _chart_files(chart_folder)
    assert len(files) == 1 and files[0].read_text(encoding="utf-8") == str(first)

    # A new process forgets its own memory: the file answers, matplotlib is never asked.
    charts._cached_bar_chart.cache_clear()

    def no_drawing(*_args, **_kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(charts, "_bar_figure", no_drawing)
    assert horizontal_bar_chart(["Taal", "Werk <b>"], [7, 2], title="Thema's") == first
    # Other numbers are another chart: drawn, never an old file.
    with pytest.raises(AssertionError, match="drawn again"):
        horizontal_bar_chart(["Taal", "Werk <b>"], [7, 3], title="Thema's")


def test_a_damaged_chart_file_is_drawn_again(chart_folder):
    import webapp.charts as charts

    first = horizontal_bar_chart(["Ja", "Nee"], [5, 1])
    [path] = _chart_files(chart_folder)
    path.write_text("<?xml half a file", encoding="utf-8")
    charts._cached_bar_chart.cache_clear()
    assert horizontal_bar_chart(["Ja", "Nee"], [5, 1]) == first
    assert path.read_text(encoding="utf-8") == str(first)


def test_charts_unused_for_a_month_are_removed(chart_folder):
    import os
    import time

    import webapp.charts as charts

    horizontal_bar_chart(["Oud"], [1])
    [old] = _chart_files(chart_folder)
    month_ago = time.time() - (charts.CHART_FILE_DAYS + 1) * 86400
    os.utime(old, (month_ago, month_ago))
    horizontal_bar_chart(["Nieuw"], [1])
    assert not old.exists() and len(_chart_files(chart_folder)) == 1
