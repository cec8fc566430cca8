"""The codebook: tree, changes, merge, CSV round trip and REFI-QDA exports."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select

from tests.test_analysis_helpers import make_finding, make_theme
from webapp.extensions import db
from webapp.findings.models import Finding, finding_themes
from webapp.themes.models import Theme
from webapp.findings.refi_qda import project_qdpx
from webapp.themes.refi_qda import CODEBOOK_NS, PROJECT_NS, codebook_qdc, theme_guid
from webapp.themes.services import (CodebookError, ThemeInput, export_codebook_csv, import_codebook_csv, merge_themes,
                                    save_theme, set_archived, theme_tree)


def test_tree_lists_parents_before_their_children(app):
    work = make_theme("work", group="learning-network")
    learning = make_theme("learning", group="learning-network")
    make_theme("buddy", parent=work)
    make_theme("language", parent=learning)
    order = [(row.theme.code, row.depth) for row in theme_tree()]
    assert order == [("work", 0), ("buddy", 1), ("learning", 0), ("language", 1)]


def test_add_rename_and_move_a_theme(app):
    parent = make_theme("work", group="learning-network")
    theme = save_theme(None, ThemeInput(label_nl="Begeleiding", label_en="Accompaniment", theme_group="topic"))
    assert theme.code == "accompaniment" and theme.parent is None
    save_theme(theme, ThemeInput(label_nl="Begeleiding op de werkvloer", label_en="Accompaniment at work",
                                 theme_group="topic", parent_id=parent.id))
    db.session.expire_all()
    theme = db.session.get(Theme, theme.id)
    assert (theme.label_nl, theme.parent.code, theme.code) == ("Begeleiding op de werkvloer", "work", "accompaniment")


def test_a_theme_cannot_move_under_its_own_child(app):
    parent = make_theme("work")
    child = make_theme("buddy", parent=parent)
    with pytest.raises(CodebookError):
        save_theme(parent, ThemeInput(label_nl="x", label_en="x", theme_group="topic", parent_id=child.id))


def test_codes_are_unique_and_well_formed(app):
    make_theme("work")
    with pytest.raises(CodebookError):
        save_theme(None, ThemeInput(label_nl="a", label_en="b", theme_group="topic", code="work"))
    with pytest.raises(CodebookError):
        save_theme(None, ThemeInput(label_nl="a", label_en="b", theme_group="topic", code="Not a code!"))


def test_merge_retags_every_finding_and_the_counts_add_up(app, make_activity):
    activity = make_activity()
    source, target, other = make_theme("employers"), make_theme("werkgevers"), make_theme("other")
    child = make_theme("ambassadors", parent=source)
    only_source = [make_finding(activity, f"s{n}", [source]) for n in range(3)]
    both = [make_finding(activity, f"b{n}", [source, target, other]) for n in range(2)]
    only_target = [make_finding(activity, "t", [target])]
    versions = {f.id: f.version for f in only_source + both}

    assert merge_themes(source, target) == 5

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(finding_themes)
                             .where(finding_themes.c.theme_id == source.id)) == 0
    tagged_target = set(db.session.scalars(select(finding_themes.c.finding_id).where(finding_themes.c.theme_id == target.id)))
    assert tagged_target == {f.id for f in only_source + both + only_target}  # 3 + 2 + 1, no duplicates
    assert all(len([t for t in f.themes if t.code == "werkgevers"]) == 1 for f in db.session.scalars(select(Finding)))
    assert db.session.get(Theme, child.id).parent_id == target.id
    merged = db.session.get(Theme, source.id)
    assert merged.archived and merged.merged_into_id == target.id
    # An edit form opened before the merge must not put the old theme back.
    assert all(db.session.get(Finding, fid).version > version for fid, version in versions.items())


def test_merge_into_itself_or_a_sub_theme_is_refused(app):
    parent = make_theme("work")
    child = make_theme("buddy", parent=parent)
    with pytest.raises(CodebookError):
        merge_themes(parent, parent)
    with pytest.raises(CodebookError):
        merge_themes(parent, child)


def test_archived_theme_stays_on_findings_and_can_be_restored(app, make_activity):
    theme = make_theme("old")
    finding = make_finding(make_activity(), "x", [theme])
    set_archived(theme, True)
    db.session.expire_all()
    assert [t.code for t in db.session.get(Finding, finding.id).themes] == ["old"]
    assert set_archived(theme, False).archived is False


def test_csv_export_imports_into_an_empty_codebook(app):
    parent = make_theme("work", group="learning-network")
    make_theme("buddy", parent=parent)
    parent.description_nl = "Over de werkplek; “aanhalingstekens”, komma's"
    db.session.commit()
    exported = export_codebook_csv()
    db.session.execute(Theme.__table__.delete().where(Theme.parent_id.is_not(None)))
    db.session.execute(Theme.__table__.delete())
    db.session.commit()

    result = import_codebook_csv(exported)

    assert (result.created, result.updated) == (2, 0)
    buddy = db.session.scalar(select(Theme).where(Theme.code == "buddy"))
    assert buddy.parent.code == "work"
    assert buddy.parent.description_nl == "Over de werkplek; “aanhalingstekens”, komma's"
    assert export_codebook_csv() == exported


def test_csv_import_with_one_bad_line_changes_nothing(app):
    make_theme("work")
    text = ("code,parent,group,label_en,label_nl\n"
            "work,,topic,Work renamed,Werk hernoemd\n"
            "new-one,missing-parent,topic,New,Nieuw\n")
    with pytest.raises(CodebookError, match="3"):
        import_codebook_csv(text)
    db.session.rollback()
    assert [t.label_en for t in db.session.scalars(select(Theme))] == ["work (en)"]


def test_csv_import_refuses_a_parent_loop(app):
    text = "code,parent,group,label_en,label_nl\na,b,topic,A,A\nb,a,topic,B,B\n"
    with pytest.raises(CodebookError):
        import_codebook_csv(text)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 0


def test_csv_export_defuses_spreadsheet_formulas(app):
    theme = make_theme("work")
    theme.label_en = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    exported = export_codebook_csv()
    assert "'=HYPERLINK" in exported
    import_codebook_csv(exported)
    assert db.session.get(Theme, theme.id).label_en == "=HYPERLINK(\"http://evil\")"


def test_refi_qda_codebook_nests_the_codes(app):
    parent = make_theme("work")
    make_theme("buddy", parent=parent)
    root = ET.fromstring(codebook_qdc())
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    top = root.findall(f"{{{CODEBOOK_NS}}}Codes/{{{CODEBOOK_NS}}}Code")
    assert [c.get("guid") for c in top] == [theme_guid(parent)]
    assert len(top[0].findall(f"{{{CODEBOOK_NS}}}Code")) == 1


def test_refi_qda_project_holds_findings_as_coded_texts(app, make_activity):
    activity = make_activity()
    work, buddy = make_theme("work"), make_theme("buddy")
    arabic = make_finding(activity, "تعلّمت اللغة الهولندية في العمل", [work, buddy], language="ar")
    make_finding(activity, "Nog zonder thema")

    with zipfile.ZipFile(io.BytesIO(project_qdpx())) as archive:
        project = ET.fromstring(archive.read("project.qde"))
        names = set(archive.namelist())
        ns = {"q": PROJECT_NS}
        code_guids = {c.get("guid") for c in project.iterfind(".//q:CodeBook//q:Code", ns)}
        sources = project.findall("q:Sources/q:TextSource", ns)
        assert len(sources) == 2
        for source in sources:
            path = source.get("plainTextPath").removeprefix("internal://")
            assert f"sources/{path}" in names
            text = archive.read(f"sources/{path}").decode("utf-8")
            for selection in source.findall("q:PlainTextSelection", ns):
                assert (selection.get("startPosition"), selection.get("endPosition")) == ("0", str(len(text)))
                refs = {ref.get("targetGUID") for ref in selection.iterfind(".//q:CodeRef", ns)}
                assert refs <= code_guids and len(refs) == 2
                assert text == arabic.text
