"""A whole project leaves one installation as a ZIP and arrives whole in another."""
from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.findings.models import Finding, finding_themes
from webapp.projects.models import Project
from webapp.projects.scope import in_project, set_scope
from webapp.projects.transfer import _models, export_project, import_project

from .conftest import load_demo_data


def _counts(project) -> dict[str, int]:
    with in_project(project):
        counts = {model.__tablename__: db.session.scalar(
            select(func.count()).select_from(model).execution_options(include_deleted=True)) for model in _models()}
        counts["finding_themes"] = db.session.scalar(
            select(func.count()).select_from(finding_themes).join(Finding, Finding.id == finding_themes.c.finding_id)
            .execution_options(include_deleted=True))
        texts = sorted(db.session.scalars(select(Finding.text)))
    return counts, texts


def test_export_and_import_into_another_installation(app, runner, tmp_path):
    load_demo_data(runner)
    set_scope(None, None)
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    counts, texts = _counts(learn)
    assert counts["findings"] > 100 and counts["surveys"] and counts["review_comments"] and counts["report_chapters"]
    archive = export_project(learn).getvalue()
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = opened.namelist()
        document = json.loads(opened.read("project.json"))
    assert "codebook.qdc" in names and document["project"]["slug"] == "learn"
    assert len(document["tables"]["findings"]) == counts["findings"]

    class OtherInstallation(TestConfig):  # its own database, also when the suite runs on PostgreSQL
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'other.db'}"

    other = create_app(OtherInstallation)
    with other.app_context():
        db.create_all()
        imported = import_project(io.BytesIO(archive), slug="learn-copy")
        set_scope(None, None)
        copied_counts, copied_texts = _counts(imported)
        assert copied_counts == counts
        assert copied_texts == texts
        # the codebook tree survived the new ids
        from webapp.themes.models import Theme
        with in_project(imported):
            children = db.session.scalar(select(func.count()).select_from(Theme).where(Theme.parent_id.is_not(None)))
        assert children > 0
        db.session.remove()
        db.engine.dispose()


def test_cli_export_refuses_an_unknown_project(runner, tmp_path):
    result = runner.invoke(args=["projects", "export", "nope", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0 and "no such project" in result.output


def test_import_refuses_what_is_not_an_export(app):
    import pytest

    from webapp.projects.transfer import TransferError

    with pytest.raises(TransferError):
        import_project(io.BytesIO(b"not a zip"))


def _edited_export(project, edit) -> io.BytesIO:
    """The project's export with project.json changed by `edit(document)`, as a hand-made ZIP would be."""
    original = zipfile.ZipFile(io.BytesIO(export_project(project).getvalue()))
    document = json.loads(original.read("project.json"))
    edit(document)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as changed:
        for name in original.namelist():
            changed.writestr(name, json.dumps(document) if name == "project.json" else original.read(name))
    out.seek(0)
    return out


def test_import_passes_texts_through_the_text_boundary(app, make_activity):
    import pytest

    from webapp.projects.transfer import TransferError

    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    db.session.add(Finding(activity=make_activity(), text="Taal op de werkvloer.", language="nl", kind="quote"))
    db.session.commit()

    def with_text(text):
        return lambda document: document["tables"]["findings"][0].update(text=text)

    with pytest.raises(TransferError, match=r"findings\.text.*U\+0000"):
        import_project(_edited_export(learn, with_text("Taal\x00 op de werkvloer.")), slug="copy-nul")
    with pytest.raises(TransferError, match=r"activities\.title"):
        import_project(_edited_export(learn, lambda d: d["tables"]["activities"][0].update(title="x" * 5000)),
                       slug="copy-long")
    db.session.rollback()
    set_scope(None, None)
    assert db.session.scalar(select(func.count()).select_from(Project).where(Project.slug.like("copy-%"))) == 0

    # Imported as a copy into the same installation: the copy's findings get client ids of their own.
    imported = import_project(_edited_export(learn, with_text("Taal\r\nop de werkvloer.")), slug="copy-crlf")
    with in_project(imported):
        copied = db.session.scalar(select(Finding))
    assert copied.text == "Taal\nop de werkvloer."
    with in_project(learn):
        assert copied.client_id != db.session.scalar(select(Finding.client_id))
