"""Compiled templates kept as files (webapp/template_cache.py): a later process reads them
back instead of compiling, an edited template is compiled anew, and the PDF environment's
code (which breaks long words) is never mixed up with the web pages' code."""
from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.reports.pdf import BREAK_EVERY, ZERO_WIDTH_SPACE, render_report_html
from webapp.reports.collect import collect_report
from webapp.template_cache import compiled_template_cache

from .test_review_services import make_report

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database


@pytest.fixture
def template_folder(app, tmp_path, monkeypatch):
    """The app's compiled templates kept in an instance folder of the test's own."""
    app.config["TEMPLATE_FILE_CACHE"] = True
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setattr(app.jinja_env, "bytecode_cache", compiled_template_cache(app))
    monkeypatch.delitem(app.extensions, "klankbord_pdf_jinja", raising=False)
    app.jinja_env.cache.clear()
    yield tmp_path / "template-cache"
    app.jinja_env.cache.clear()
    app.extensions.pop("klankbord_pdf_jinja", None)


def _a_later_process(app, monkeypatch):
    """What a new process has: no compiled template in memory, and (checked) no compiling."""
    app.jinja_env.cache.clear()
    app.extensions.pop("klankbord_pdf_jinja", None)

    def no_compiling(*_args, **_kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(type(app.jinja_env), "compile", no_compiling)


def test_a_page_compiled_once_is_read_back_by_a_later_process(app, client, template_folder, monkeypatch):
    first = client.get("/login")
    assert first.status_code == 200
    assert list((template_folder / "web").glob("*.cache"))
    _a_later_process(app, monkeypatch)
    again = client.get("/login")
    assert again.status_code == 200 and 'name="email"' in again.get_data(as_text=True)


def test_the_pdf_template_keeps_breaking_long_words_when_the_web_environment_compiled_it_first(
        app, template_folder, monkeypatch):
    report = make_report()
    report.chapters[0].recommendations[0].body_en = "x" * 500
    db.session.commit()
    # The web environment compiles the very same template file first (into its own folder).
    app.jinja_env.get_template("reports/pdf/report.html")
    html = render_report_html(collect_report(report, "en"))
    assert "x" * BREAK_EVERY + ZERO_WIDTH_SPACE in html and "x" * (BREAK_EVERY + 1) not in html
    assert list((template_folder / "pdf").glob("*.cache")) and list((template_folder / "web").glob("*.cache"))
    # Read back from its file by a later process: still the PDF environment's code.
    _a_later_process(app, monkeypatch)
    html = render_report_html(collect_report(report, "en"))
    assert "x" * BREAK_EVERY + ZERO_WIDTH_SPACE in html and "x" * (BREAK_EVERY + 1) not in html


def test_an_edited_template_is_compiled_anew(app, tmp_path, template_folder):
    from jinja2 import FileSystemLoader

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "note.html").write_text("Eerste versie", encoding="utf-8")
    environment = app.jinja_env.overlay(loader=FileSystemLoader(str(folder)))
    assert environment.get_template("note.html").render() == "Eerste versie"
    (folder / "note.html").write_text("Tweede versie", encoding="utf-8")
    later = app.jinja_env.overlay(loader=FileSystemLoader(str(folder)))  # a new process: memory empty
    assert later.get_template("note.html").render() == "Tweede versie"


def test_without_the_setting_nothing_is_written(app, tmp_path, monkeypatch):
    app.config["TEMPLATE_FILE_CACHE"] = False
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    assert compiled_template_cache(app) is None and not (tmp_path / "template-cache").exists()


def test_a_changed_setting_compiles_anew_though_the_source_did_not_change(app, template_folder, monkeypatch):
    """`ext.i18n.trimmed` changes the compiled code, not the source: old code must not run."""
    from jinja2 import DictLoader

    source = "{% trans %}\n    Hallo\n    wereld\n{% endtrans %}"
    loader = DictLoader({"greeting.html": source})
    trimmed = app.jinja_env.overlay(loader=loader)
    assert trimmed.get_template("greeting.html").render() == "Hallo wereld"
    untrimmed = app.jinja_env.overlay(loader=loader)  # a later process, with the setting changed
    untrimmed.policies = dict(untrimmed.policies, **{"ext.i18n.trimmed": False})
    assert untrimmed.get_template("greeting.html").render().split() == ["Hallo", "wereld"]
    assert "\n" in untrimmed.get_template("greeting.html").render()


def test_a_folder_that_cannot_be_written_costs_no_page(app, client, template_folder, monkeypatch):
    """A full disk or a read-only folder: the page is served, compiled in memory."""
    import tempfile

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full_disk)
    response = client.get("/login")
    assert response.status_code == 200 and 'name="email"' in response.get_data(as_text=True)
    read_only = template_folder.parent / "read-only"
    read_only.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setattr(app, "instance_path", str(read_only))
    assert compiled_template_cache(app) is None
