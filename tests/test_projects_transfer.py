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
from webapp.projects.scope import LINK_TABLES, in_project, set_scope
from webapp.projects.transfer import NOT_TRANSFERRED, _models, export_project, import_project

from .conftest import load_demo_data, text_of


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
        # A photo that may show people or names never leaves (the demo's flip-chart); the wall goes.
        assert (counts["photos"], copied_counts.pop("photos")) == (2, 1) and counts.pop("photos")
        assert copied_counts == counts
        assert copied_texts == texts
        # the codebook tree survived the new ids
        from webapp.themes.models import Theme
        with in_project(imported):
            children = db.session.scalar(select(func.count()).select_from(Theme).where(Theme.parent_id.is_not(None)))
        assert children > 0
        db.session.remove()
        db.engine.dispose()


def test_every_table_of_a_project_travels_in_the_export(app):
    """A new project table (ProjectScoped or @child_of) must be added to the export, or a
    moved project silently loses it (report boxes and finding translations once did)."""
    from webapp.projects.scope import CHILD_CRITERIA, ProjectScoped
    from webapp.projects.transfer import _links

    exported = {model.__table__.name for model in _models()} | {table.name for table, _column in _links()}
    project_tables = {mapper.class_.__table__.name for mapper in db.Model.registry.mappers
                      if issubclass(mapper.class_, ProjectScoped)} | {cls.__table__.name for cls in CHILD_CRITERIA}
    assert project_tables - exported == set()


def test_cli_export_refuses_an_unknown_project(runner, tmp_path):
    result = runner.invoke(args=["projects", "export", "nope", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0 and "no such project" in result.output


def test_import_refuses_what_is_not_an_export(app):
    import pytest

    from webapp.projects.transfer import TransferError

    with pytest.raises(TransferError):
        import_project(io.BytesIO(b"not a zip"))


def _rewritten(archive: bytes, change) -> io.BytesIO:
    """The same export with project.json changed by `change(document)`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as opened, zipfile.ZipFile(out, "w") as written:
        for name in opened.namelist():
            content = opened.read(name)
            if name == "project.json":
                document = json.loads(content)
                change(document)
                content = json.dumps(document, ensure_ascii=False)
            written.writestr(name, content)
    out.seek(0)
    return out


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


def test_translations_travel_and_an_old_export_keeps_its_translation(app, make_activity):
    """Every translation goes along; an export made before translations had their own table
    (one `translation` on the finding) arrives with that translation as a row, unchecked."""
    from webapp.findings.services import FindingInput, create_finding

    activity = make_activity(type="maab", title="Adviesraad")
    create_finding(FindingInput(activity.id, "أصحاب العمل يريدون نقطة اتصال واحدة", "quote", "ar",
                                translations={"nl": "Werkgevers willen één loket", "en": "Employers want one desk"}),
                   author=None)
    set_scope(None, None)
    project = db.session.get(Project, activity.project_id)
    archive = export_project(project).getvalue()

    def imported_translations(slug: str) -> list[tuple[str, str, bool]]:
        copy = db.session.scalar(select(Project).where(Project.slug == slug))
        with in_project(copy):
            [finding] = db.session.scalars(select(Finding)).all()
            return [(t.language, t.text, t.checked) for t in finding.translations]

    def new_client_id(document):  # client_ids are unique across projects: this copy lands beside the original
        import uuid
        document["tables"]["findings"][0]["client_id"] = str(uuid.uuid4())

    import_project(_rewritten(archive, new_client_id), slug="copy")
    assert imported_translations("copy") == [("en", "Employers want one desk", False),
                                             ("nl", "Werkgevers willen één loket", False)]

    def as_before_0019(document):
        new_client_id(document)
        document["tables"].pop("finding_translations")
        document["tables"]["findings"][0] |= {"translation": "Werkgevers willen één loket",
                                              "translation_language": "nl"}

    import_project(_rewritten(archive, as_before_0019), slug="old")
    assert imported_translations("old") == [("nl", "Werkgevers willen één loket", False)]


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


def test_an_export_carries_no_working_link_and_no_uncapped_draft(app, client, auth, runner):
    """Whoever holds the ZIP opens nobody's personal page; an import makes new links and says so."""
    from webapp.surveys.models import MAX_DRAFT_VALUE, Invitation, Survey

    load_demo_data(runner)
    set_scope(None, None)
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    with in_project(learn):
        invitation = db.session.scalar(select(Invitation).order_by(Invitation.id).limit(1))
        invitation.draft = {"answers": {"1": ["x" * 1_048_576]}}  # stored before drafts were capped
        db.session.commit()
        secrets_here = set(db.session.scalars(select(Invitation.token))) | set(db.session.scalars(select(Survey.public_token)))
    assert len(secrets_here) > 2
    archive = export_project(learn).getvalue()
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        document = opened.read("project.json").decode()
    assert not [secret for secret in secrets_here if secret in document]
    drafts = [row["draft"] for row in json.loads(document)["tables"]["survey_invitations"] if row["draft"]]
    assert drafts and max(len(value) for draft in drafts for values in draft["answers"].values()
                          for value in values) == MAX_DRAFT_VALUE
    # Imported as a copy here: every link is new, and the admin is told so.
    auth.login("admin", locale="en")
    response = client.post("/projects/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(archive), "learn.zip"), "slug": "learn-copy"})
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    copy = db.session.scalar(select(Project).where(Project.slug == "learn-copy"))
    with in_project(copy):
        copied = set(db.session.scalars(select(Invitation.token))) | set(db.session.scalars(select(Survey.public_token)))
        invitations = db.session.scalar(select(func.count()).select_from(Invitation))
    assert len(copied) == len(secrets_here) and not copied & secrets_here
    assert f"Its {invitations} personal links" in page and "do not open this copy" in page


def test_every_table_is_a_projects_or_declared_out_of_the_export(app):
    """A new table either belongs to a project (ProjectScoped, @child_of, link_of in
    projects/scope.py: the export then carries it) or says here why it stays behind."""
    carried = {model.__table__.name for model in _models()} | {table.name for table in LINK_TABLES}
    every_table = {table.name for table in db.metadata.sorted_tables}
    assert sorted(every_table - carried - set(NOT_TRANSFERRED)) == []
    assert sorted(set(NOT_TRANSFERRED) - every_table) == []  # no stale declaration
    assert sorted(set(NOT_TRANSFERRED) & carried) == []
