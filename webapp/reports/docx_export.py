"""The same report as a Word document (python-docx), for authors who edit in Word.

Word has footnotes, but python-docx cannot write them; each chapter's sources therefore
follow as numbered notes at the end of the document, with the same numbers as in the PDF.
"""
from __future__ import annotations

from io import BytesIO
from typing import Callable

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from ..text import export_safe_tree
from .labels import label

ACCENT = RGBColor(0x0B, 0x4F, 0x4F)


def _paragraphs(document, blocks: list[list[dict]]) -> None:
    for segments in blocks:
        paragraph = document.add_paragraph()
        for segment in segments:
            if "note" in segment:
                run = paragraph.add_run(str(segment["note"]))
                run.font.superscript = True
            else:
                paragraph.add_run(segment["text"])


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    header = table.rows[0]
    # Repeat the header row on every page the table spans.
    header_props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cell, text in zip(header.cells, headers):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = str(value)


def _survey_results(document, surveys: list[dict], L) -> None:
    """The chapter's survey results as small tables (Word users redraw charts themselves)."""
    if not surveys:
        return
    document.add_heading(L("survey_results"), level=3)
    for survey in surveys:
        document.add_heading(survey["title"] or L("missing_text"), level=4)
        document.add_paragraph(L("survey_responses", n=survey["responses"]))
        for question in survey["questions"]:
            if question["type"] == "number":
                paragraph = document.add_paragraph()
                paragraph.add_run(question["label"]).bold = True
                paragraph.add_run(" " + L("number_stats", mean=question["mean"], min=question["min"],
                                          max=question["max"], n=question["answered"]))
                continue
            caption = L("figure_caption", label=question["label"], n=question["answered"])
            if question["multiple"]:
                caption += " " + L("several_answers")
            if question["type"] == "likert" and question["mean"]:
                caption += " " + L("likert_mean", mean=question["mean"])
            document.add_paragraph(caption).runs[0].italic = True
            _table(document, [L("answer"), L("count"), L("percentage")],
                   [[row["label"], row["count"], row["percent"]] for row in question["rows"]])
            document.add_paragraph()


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build_report_docx(data: dict, progress: Callable[[int], None] | None = None) -> bytes:
    # Word's XML refuses NUL and most control characters: an old row must not break the file.
    data = export_safe_tree(data)
    language = data["language"]

    def L(key, **values):
        return label(key, language, **values)

    document = Document()
    document.core_properties.title = data["title"]
    document.core_properties.author = data["authors"]
    document.core_properties.language = language
    document.styles["Normal"].font.name = "Noto Sans"
    document.styles["Normal"].font.size = Pt(10)

    document.add_heading(data["title"] or L("missing_text"), level=0)
    if data["subtitle"]:
        document.add_paragraph(data["subtitle"])
    document.add_paragraph(f"{data['authors']}\n{data['date']}".strip())
    if data["colophon"]:
        document.add_heading(L("colophon"), level=2)
        _paragraphs(document, data["colophon"])
    for key, heading in (("acknowledgements", "acknowledgements"),):
        if data[key]:
            _page_break(document)
            document.add_heading(L(heading), level=1)
            _paragraphs(document, data[key])
    if data["abbreviations"]:
        document.add_heading(L("abbreviations"), level=1)
        _table(document, [L("abbreviation"), L("definition")],
               [[a["abbreviation"], a["definition"]] for a in data["abbreviations"]])
    if data["executive_summary"]:
        document.add_heading(L("executive_summary"), level=1)
        _paragraphs(document, data["executive_summary"])
    document.add_heading(L("methodology"), level=1)
    document.add_paragraph(data["methodology"]["intro"])
    for section in data["methodology"]["sections"]:
        document.add_heading(section["heading"], level=3)
        document.add_paragraph(section["text"])
    document.add_paragraph(data["methodology"]["closing"])
    for key, heading in (("scope", "scope"), ("problem_analysis", "problem_analysis")):
        if data[key]:
            document.add_heading(L(heading), level=1)
            _paragraphs(document, data[key])
    if progress:
        progress(40)
    if data["chapters"]:
        document.add_heading(L("recommendations"), level=1)
    for chapter in data["chapters"]:
        document.add_heading(f"{chapter['number']}. {chapter['title']}", level=2)
        _paragraphs(document, chapter["intro"])
        for rec in chapter["recommendations"]:
            document.add_heading(f"{L('recommendation')} {rec['number']}: {rec['title'] or L('missing_text')}",
                                 level=3)
            _paragraphs(document, rec["body"])
            for quote in rec["quotes"]:
                paragraph = document.add_paragraph(style="Intense Quote")
                paragraph.add_run(quote["text"])
                if quote["by"]:
                    paragraph.add_run(f"\n— {quote['by']}").italic = False
            if rec["evidence"]:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{L('evidence_basis')}: ").bold = True
                paragraph.add_run(rec["evidence"])
        for example in chapter["good_examples"]:
            box = document.add_table(rows=1, cols=1)
            box.style = "Table Grid"
            cell = box.rows[0].cells[0]
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), "E3F1F1")
            cell._tc.get_or_add_tcPr().append(shading)
            title = cell.paragraphs[0].add_run(f"{L('good_example')}: {example['title'] or L('missing_text')}")
            title.bold = True
            title.font.color.rgb = ACCENT
            if example["place"]:
                cell.add_paragraph(f"{L('place')}: {example['place']}")
            for field in example["fields"]:
                cell.add_paragraph(f"{field['label']}: {field['text']}")
            document.add_paragraph()
        _survey_results(document, chapter.get("surveys", []), L)
    if progress:
        progress(70)
    _page_break(document)
    document.add_heading(L("appendices"), level=1)
    appendices = data["appendices"]
    document.add_heading(L("appendix_a"), level=2)
    _table(document, [L("number"), L("date"), L("title")], [[r["number"], r["date"], r["title"]] for r in appendices["a"]])
    document.add_heading(L("appendix_b"), level=2)
    _table(document, [L("number"), L("date"), L("organisation")],
           [[r["number"], r["date"], r["organisation"]] for r in appendices["b"]])
    document.add_heading(L("appendix_c"), level=2)
    _table(document, [L("number"), L("organisation")], [[r["number"], r["organisation"]] for r in appendices["c"]])
    if data["evidence_annex"]:
        document.add_heading(L("appendix_d"), level=2)
        for group in data["evidence_annex"]:
            document.add_heading(f"{L('recommendation')} {group['number']} {group['title']}", level=4)
            for finding in group["findings"]:
                document.add_paragraph(finding["text"], style="List Bullet")
    if data["footnotes"]:
        document.add_heading(L("notes"), level=2)
        for note in data["footnotes"]:
            document.add_paragraph(f"{note['note']}. {note['citation']} {note['url']}".strip())
    out = BytesIO()
    document.save(out)
    return out.getvalue()
