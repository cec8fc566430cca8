"""Start-up stays light: every web process, CLI call, job worker and test run pays it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["matplotlib", "sklearn", "scipy", "numpy", "weasyprint", "openpyxl", "docx", "segno", "email_validator",
         "alembic", "pandas"]


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_heavy_library():
    loaded = _modules_after("import wsgi")
    assert "webapp" in loaded and "flask" in loaded
    assert sorted(loaded & set(HEAVY)) == []


def test_gc_is_frozen_after_start_up():
    result = subprocess.run([sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert int(result.stdout.strip()) > 10_000


def test_heavy_libraries_still_load_where_used(app):
    from webapp.charts import horizontal_bar_chart

    svg = horizontal_bar_chart(["a", "b"], [2, 1])
    assert str(svg).startswith("<svg") and "matplotlib" in sys.modules


def test_a_chart_is_drawn_once_for_the_same_data(app):
    from webapp.charts import _cached_bar_chart as _cached_chart, horizontal_bar_chart

    _cached_chart.cache_clear()
    first = horizontal_bar_chart(["Ja", "Nee"], [3, 1])
    assert horizontal_bar_chart(["Ja", "Nee"], [3, 1]) == first
    assert _cached_chart.cache_info().hits == 1
    assert horizontal_bar_chart(["Ja", "Nee"], [3, 2]) != first  # new data, new chart
