"""The same report as a Word document an author can keep editing, written by pandoc.

The report's plain data (services.collect_report) becomes pandoc's JSON AST here: every
text goes in as a string value, never as Markdown, so nothing a user typed can be read as
markup. Debian's `pandoc` then writes the DOCX with real Word footnotes, a table-of-contents
field (`--toc`), right-to-left paragraphs (`w:bidi`) and the right language for Arabic text
(a Div with `dir`/`lang`), and the proofing language of the document from `lang`.

Page size, margins (those of the PDF), the running header and the page-number footer come
from a reference document made here with python-docx from pandoc's own default one.
Survey charts are PNG images drawn by webapp/charts.py from the same counts as the PDF's.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..text import export_safe, export_safe_tree
from .figures import PHOTO_SCHEME, figure_files
from .labels import label

PANDOC = "pandoc"
PANDOC_API_VERSION = [1, 22, 2, 1]
#: The proofing language Word checks the text against.
WORD_LANGUAGE = {"nl": "nl-NL", "en": "en-GB"}
#: Languages of findings as Word knows them (Word checks Arabic against "ar-SA" and so on).
TEXT_LANGUAGE = {"nl": "nl-NL", "en": "en-GB", "ar": "ar-SA", "fa": "fa-IR", "ti": "ti-ER", "de": "de-DE",
                 "fr": "fr-FR"}
RTL = {"ar", "fa"}
#: The report's own static files (emblems), as the PDF renderer serves them.
STATIC_ROOT = Path(__file__).parent / "static"
#: The PDF's page margins (report.css, @page).
MARGINS_MM = {"top": 22, "right": 20, "bottom": 24, "left": 20}


class DocxError(Exception):
    pass


# ---------------------------------------------------------------- AST helpers

def _attr(identifier: str = "", classes: list[str] | None = None, pairs: list[tuple[str, str]] | None = None) -> list:
    return [identifier, classes or [], [list(p) for p in (pairs or [])]]


def inlines(text: str) -> list[dict]:
    """Plain text as pandoc inlines: words and spaces, line breaks kept. No markup is interpreted."""
    result: list[dict] = []
    for line_number, line in enumerate(export_safe(text).split("\n")):
        if line_number:
            result.append({"t": "LineBreak"})
        for word_number, word in enumerate(line.split(" ")):
            if word_number:
                result.append({"t": "Space"})
            if word:
                result.append({"t": "Str", "c": word})
    return result


def para(content: list[dict] | str) -> dict:
    return {"t": "Para", "c": inlines(content) if isinstance(content, str) else content}


def plain(content: list[dict] | str) -> dict:
    return {"t": "Plain", "c": inlines(content) if isinstance(content, str) else content}


def header(level: int, text: str, identifier: str = "", unnumbered: bool = False) -> dict:
    return {"t": "Header", "c": [level, _attr(identifier, ["unnumbered"] if unnumbered else []), inlines(text)]}


def strong(text: str) -> dict:
    return {"t": "Strong", "c": inlines(text)}


def emph(content: list[dict]) -> dict:
    return {"t": "Emph", "c": content}


def language_style(language: str) -> str:
    """The character style that carries a language (pandoc 2.17 writes no w:lang itself)."""
    return f"Language {language}"


def in_language(content: list[dict], language: str) -> list[dict]:
    """Inlines marked with the language they are in, so Word proofs (and shapes) them right."""
    return [{"t": "Span", "c": [_attr("", [], [("custom-style", language_style(language))]), content]}]


def div(blocks: list[dict], language: str | None = None, style: str | None = None) -> dict:
    pairs = []
    if language:
        pairs.append(("lang", TEXT_LANGUAGE.get(language, language)))
        if language in RTL:
            pairs.append(("dir", "rtl"))
    if style:
        pairs.append(("custom-style", style))
    return {"t": "Div", "c": [_attr("", [], pairs), blocks]}


def link(url: str) -> dict:
    return {"t": "Link", "c": [_attr(), inlines(url), [export_safe(url), ""]]}


def table(headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> dict:
    def cell(text):
        return [_attr(), {"t": "AlignDefault"}, 1, 1, [plain(str(text))]]

    def row(values):
        return [_attr(), [cell(v) for v in values]]

    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidth", "c": w} if widths else {"t": "ColWidthDefault"}]
                for w in (widths or [0] * len(headers))]
    return {"t": "Table", "c": [_attr(), [None, []], colspecs, [_attr(), [row(headers)]],
                                [[_attr(), 0, [], [row(r) for r in rows]]], [_attr(), []]]}


def _segments(blocks: list[list[dict]]) -> list[dict]:
    """Paragraphs of an author's text with their [^key] citations as real footnotes."""
    result = []
    for segments in blocks:
        content: list[dict] = []
        for segment in segments:
            if "note" in segment:
                note = inlines(segment["citation"])
                if segment.get("url"):
                    note += [{"t": "Space"}, link(segment["url"]) if segment["url"].startswith(("http://", "https://"))
                             else {"t": "Str", "c": segment["url"]}]
                if segment.get("after_note"):  # "²,³" as in the PDF, not "²³" (footnote 23)
                    content.append({"t": "Superscript", "c": [{"t": "Str", "c": ","}]})
                content.append({"t": "Note", "c": [para(note)]})
            else:
                content.extend(inlines(segment["text"]))
        result.append(para(content))
    return result


def _words(finding: dict, language: str, quote: bool = False) -> list[dict]:
    """A finding's original in its own language and direction, the translation beneath."""
    marks = ("“", "”") if quote else ("", "")
    original = in_language(inlines(f"{marks[0]}{finding['text']}{marks[1]}"), finding["language"])
    blocks = [div([para(original)], finding["language"], "Quote" if quote else None)]
    if finding.get("translation"):
        blocks.append(div([para(f"{marks[0]}{finding['translation']}{marks[1]}")], language,
                          "Quote" if quote else None))
    return blocks


# ---------------------------------------------------------------- the document

def report_ast(data: dict, images: dict[str, str]) -> dict:
    """The pandoc document for `data`; `images` maps a chart key to a PNG file name."""
    language = data["language"]

    def L(key, **values):
        return label(key, language, **values)

    blocks: list[dict] = []
    # The cover's funder line under pandoc's title block: the emblem (its PNG) and the notice.
    if images.get("emblem"):
        blocks.append(para([{"t": "Image", "c": [_attr("", [], [("height", "1.6cm")]), inlines(data["emblem_alt"]),
                                                  [images["emblem"], ""]]}]))
    if data.get("funder_notice"):
        blocks.append(para(data["funder_notice"]))
    # The colophon, the acknowledgements, then the table of contents, as in the PDF
    # (pandoc's --toc would put the contents first).
    facts = [(L("c_title"), data["title"] + (f": {data['subtitle']}" if data["subtitle"] else "")),
             (L("c_keywords"), data["keywords"]),
             (L("authors"), "; ".join(filter(None, (data.get("author_organisation"), data["authors"])))),
             (L("date"), data["date"])]
    blocks += [header(1, L("colophon"), "colophon", unnumbered=True),
               *[para([strong(f"{name}:"), {"t": "Space"}, *inlines(value)]) for name, value in facts if value],
               *_segments(data["colophon"])]
    if data.get("disclaimer"):
        blocks += [para([emph(block["c"])]) for block in _segments(data["disclaimer"])]
    if data["acknowledgements"]:
        blocks += [header(1, L("acknowledgements"), "acknowledgements"), *_segments(data["acknowledgements"])]
    blocks.append(toc_block(L("contents")))
    if data["abbreviations"]:
        blocks += [header(1, L("abbreviations"), "abbreviations"),
                   table([L("abbreviation"), L("definition")],
                         [[a["abbreviation"], a["definition"]] for a in data["abbreviations"]], [0.25, 0.75])]
    if data["executive_summary"]:
        blocks += [header(1, L("executive_summary"), "summary"), *_segments(data["executive_summary"])]

    def boxes(items, level):
        out = []
        for box in items:
            title = box["title"] or L("missing_text")
            out.append(div([header(level, f"{L('box', n=box['number'])} {title}" if box["number"] else title),
                            *_segments(box["body"]), *figures(box.get("figures", []))], style="Box"))
        return out

    def figures(items):
        """Photos placed as figures: the picture with its description (the alternative text, which
        Word reads aloud and shows as the picture's description), the numbered caption beneath."""
        out = []
        for figure in items:
            name = images.get(f"photo:{figure['file']}")
            if name:
                size = ("height", "10cm") if figure["height"] > figure["width"] else ("width", "15cm")
                out.append(div([para([{"t": "Image", "c": [_attr("", [], [size]), inlines(figure["alt"]),
                                                           [name, ""]]}])], style="Captioned Figure"))
            out.append(div([para([strong(L("photo_figure", n=figure["number"])), {"t": "Space"},
                                  *inlines(figure["caption"])])], style="Image Caption"))
        return out

    if data.get("project"):
        blocks += [header(1, L("project"), "project"), *_segments(data["project"]), *boxes(data["project_boxes"], 2)]
    methodology = data["methodology"]
    blocks += [header(1, L("methodology"), "methodology"), para(methodology["intro"])]
    for section in methodology["sections"]:
        blocks += [header(2, section["heading"]),
                   *(_segments(data["literature_review"]) if section.get("literature") else [para(section["text"])])]
        if section.get("topics"):
            blocks += [para(section["topics_intro"]),
                       {"t": "BulletList", "c": [[plain(item)] for item in section["topics"]]}]
    blocks.append(para(methodology["closing"]))
    for key, heading, anchor in (("scope", "scope", "scope"), ("problem_analysis", "problem_analysis", "problem")):
        if data[key]:
            blocks += [header(1, L(heading), anchor), *_segments(data[key]), *boxes(data.get(f"{key}_boxes", []), 2)]
    if data["chapters"]:
        blocks.append(header(1, L("recommendations"), "recommendations"))
    for chapter in data["chapters"]:
        blocks += [header(2, f"{chapter['number']}. {chapter['title']}", f"chapter-{chapter['number']}"),
                   *_segments(chapter["intro"]), *figures(chapter.get("figures", [])),
                   *boxes(chapter.get("boxes", []), 3)]
        for rec in chapter["recommendations"]:
            blocks += [header(3, f"{L('recommendation')} {rec['number']}: {rec['title'] or L('missing_text')}"),
                       *_segments(rec["body"])]
            for quote in rec["quotes"]:
                if quote["quote"]:  # verbatim, attribution allowed: in quotation marks (reports/attribution.py)
                    blocks += _words(quote, language, quote=True)
                    blocks.append(div([para("— " + quote["by"])], language, "Quote"))
                elif quote["translation"] or quote["language"] == language:  # a summary: running text, its source
                    blocks.append(para(inlines(quote["translation"] or quote["text"])
                                       + [{"t": "Space"}, emph(inlines(f"{L('source')}: {quote['by']}"))]))
                else:
                    blocks.append(div([para(in_language(inlines(quote["text"]), quote["language"])
                                            + [{"t": "Space"}, emph(inlines(f"{L('source')}: {quote['by']}"))])],
                                      quote["language"]))
            if rec["evidence"]:
                blocks.append(para([strong(f"{L('evidence_basis')}:"), {"t": "Space"}, *inlines(rec["evidence"])]))
            blocks += boxes(rec.get("boxes", []), 3)
        for example in chapter["good_examples"]:
            content = [header(3, f"{L('box', n=example['number'])} {L('good_example')}: "
                                 f"{example['title'] or L('missing_text')}")]
            if example["place"]:
                content.append(para([strong(f"{L('place')}:"), {"t": "Space"}, *inlines(example["place"])]))
            for field in example["fields"]:
                content.append(para([strong(f"{field['label']}:"), {"t": "Space"}, *inlines(field["text"])]))
            blocks.append(div(content, style="Box"))
        for s_index, survey in enumerate(chapter.get("surveys", [])):
            # A titled section per survey, listed in the table of contents as in the PDF.
            blocks += [div([para(L("survey_section", title=survey["title"] or L("missing_text")))],
                           style=SURVEY_TITLE_STYLE),
                       para(L("survey_responses", n=survey["responses"]))]
            for q_index, question in enumerate(survey["questions"]):
                if question["type"] == "number":
                    blocks.append(para([strong(question["label"]), {"t": "Space"}, *inlines(L(
                        "number_stats", mean=question["mean"], min=question["min"], max=question["max"],
                        n=question["answered"]))]))
                    continue
                caption = L("figure_caption", label=question["label"], n=question["answered"])
                if question["multiple"]:
                    caption += " " + L("several_answers")
                if question["type"] == "likert" and question["mean"]:
                    caption += " " + L("likert_mean", mean=question["mean"])
                image = images.get(f"{chapter['number']}-{s_index}-{q_index}")
                if image:
                    blocks.append(para([{"t": "Image", "c": [_attr("", [], [("width", "15cm")]),
                                                              inlines(question["label"]), [image, ""]]}]))
                blocks.append(para([emph(inlines(caption))]))
                # The numbers behind the chart, for readers who cannot see it and authors who redraw it.
                blocks.append(table([L("answer"), L("count"), L("percentage")],
                                    [[row["label"], row["count"], row["percent"]] for row in question["rows"]]))
    blocks.append(header(1, L("appendices"), "appendices"))
    appendices = data["appendices"]
    blocks += [header(2, L("appendix_a"), "appendix-a"),
               table([L("number"), L("date"), L("title")],
                     [[r["number"], r["date"], r["title"]] for r in appendices["a"]], [0.08, 0.22, 0.70]),
               header(2, L("appendix_b"), "appendix-b"),
               table([L("number"), L("date"), L("organisation")],
                     [[r["number"], r["date"], r["organisation"]] for r in appendices["b"]], [0.08, 0.22, 0.70]),
               header(2, L("appendix_c"), "appendix-c"),
               table([L("number"), L("organisation")],
                     [[r["number"], r["organisation"]] for r in appendices["c"]], [0.08, 0.92])]
    if data["evidence_annex"]:
        blocks.append(header(2, L("appendix_d"), "appendix-d"))
        for group in data["evidence_annex"]:
            blocks.append(header(3, f"{L('recommendation')} {group['number']} {group['title']}"))
            for finding in group["findings"]:
                blocks += _words(finding, language)
                blocks.append(para([emph(inlines(finding["source"]))]))
    if data.get("review_annex"):
        blocks.append(header(2, L("appendix_e"), "appendix-e"))
        for comment in data["review_annex"]:
            blocks += [para([emph(inlines(f"{comment['number']} · {comment['about']}"))]),
                       *_words(comment, language),
                       para([strong(comment["disposition"]), *inlines(f": {comment['note']}" if comment["note"] else "")])]

    meta = {
        "title": {"t": "MetaInlines", "c": inlines(data["title"] or L("missing_text"))},
        "lang": {"t": "MetaString", "c": WORD_LANGUAGE[language]},
        "toc-title": {"t": "MetaInlines", "c": inlines(L("contents"))},
    }
    if data["subtitle"]:
        meta["subtitle"] = {"t": "MetaInlines", "c": inlines(data["subtitle"])}
    authors = [name for name in (data.get("author_organisation"), data["authors"]) if name]
    if authors:
        meta["author"] = {"t": "MetaList", "c": [{"t": "MetaInlines", "c": inlines(name)} for name in authors]}
    if data["date"]:
        meta["date"] = {"t": "MetaInlines", "c": inlines(data["date"])}
    meta["keywords"] = {"t": "MetaList", "c": [{"t": "MetaInlines", "c": inlines(data.get("keywords", ""))}]}
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": meta, "blocks": blocks}


#: A survey's section title: a paragraph style the TOC field lists at level 3 (`\t`), since the
#: report's recommendations are the level-3 headings and stay out of the contents, as in the PDF.
SURVEY_TITLE_STYLE = "Survey Title"


def toc_block(title: str) -> dict:
    """Word's table-of-contents field (what pandoc's --toc writes), placed where this block stands;
    marked dirty, so Word fills it in when the document is opened."""
    from xml.sax.saxutils import escape as xml_escape

    return {"t": "RawBlock", "c": ["openxml", (
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents" /><w:docPartUnique />'
        '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:pPr><w:pStyle w:val="TOCHeading" /></w:pPr><w:r>'
        f'<w:t xml:space="preserve">{xml_escape(export_safe(title))}</w:t></w:r></w:p><w:p><w:r>'
        '<w:fldChar w:fldCharType="begin" w:dirty="true" /><w:instrText xml:space="preserve">'
        f'TOC \\o &quot;1-2&quot; \\h \\z \\u \\t &quot;{SURVEY_TITLE_STYLE},3&quot;</w:instrText>'
        '<w:fldChar w:fldCharType="separate" /><w:fldChar w:fldCharType="end" /></w:r></w:p></w:sdtContent></w:sdt>')]}


# ---------------------------------------------------------------- reference document

@lru_cache(maxsize=1)
def _pandoc_reference() -> bytes:
    """pandoc's own reference.docx: it has every style pandoc's output uses."""
    return subprocess.run([PANDOC, "--print-default-data-file", "reference.docx"], check=True,
                          capture_output=True, timeout=60).stdout


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in `paragraph`: Word fills it in when it lays out the page."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def reference_docx(title: str, language: str, path: Path) -> None:
    """A4 with the PDF's margins, the title as running header, page numbers in the footer,
    Noto Sans as in the PDF, and a shaded "Box" style for boxes and good examples."""
    document = Document(_io(_pandoc_reference()))
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Mm(10)
        section.header.is_linked_to_previous = False
        head = section.header.paragraphs[0]
        head.text = title
        head.runs[0].font.size = Pt(8)
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        foot.add_run(label("page", language) + " ")
        _field(foot, "PAGE")
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        if name in [s.name for s in styles]:
            styles[name].font.name = "Noto Sans"
            styles[name].font.size = Pt(10)
    from docx.enum.style import WD_STYLE_TYPE

    for code, word_language in TEXT_LANGUAGE.items():
        style = styles.add_style(language_style(code), WD_STYLE_TYPE.CHARACTER)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:bidi" if code in RTL else "w:val"), word_language)
        style.element.get_or_add_rPr().append(lang)
    if SURVEY_TITLE_STYLE not in [s.name for s in styles]:
        survey_title = styles.add_style(SURVEY_TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        # By iteration: python-docx looks "Heading 3" up as "heading 3", pandoc's reference spells it "Heading 3".
        survey_title.base_style = next(style for style in styles if style.name == "Heading 3")
    if "Box" not in [s.name for s in styles]:
        box = styles.add_style("Box", WD_STYLE_TYPE.PARAGRAPH)
        box.base_style = styles["Normal"]
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "E3F1F1")
        box.element.get_or_add_pPr().append(shading)
    document.save(str(path))


def _io(content: bytes):
    from io import BytesIO

    return BytesIO(content)


# ---------------------------------------------------------------- build

def _chart_images(data: dict, folder: Path) -> dict[str, str]:
    from ..charts import horizontal_bar_chart_png

    images = {}
    if data.get("emblem"):  # one of our own files (models.EMBLEMS), copied next to the document
        (folder / "emblem.png").write_bytes((STATIC_ROOT / data["emblem"]["png"]).read_bytes())
        images["emblem"] = "emblem.png"
    for chapter in data["chapters"]:
        for s_index, survey in enumerate(chapter.get("surveys", [])):
            for q_index, question in enumerate(survey["questions"]):
                if question["type"] == "number" or not question["rows"]:
                    continue
                name = f"chart-{chapter['number']}-{s_index}-{q_index}.png"
                (folder / name).write_bytes(horizontal_bar_chart_png(
                    [row["label"] for row in question["rows"]], [row["count"] for row in question["rows"]]))
                images[f"{chapter['number']}-{s_index}-{q_index}"] = name
    return images


def _photo_images(data: dict, folder: Path) -> dict[str, str]:
    """The photos the data names as figures, copied next to the document for pandoc."""
    images = {}
    for index, (url, content) in enumerate(figure_files(data).items(), start=1):
        (folder / f"photo-{index}.jpg").write_bytes(content)
        images["photo:" + url[len(PHOTO_SCHEME):]] = f"photo-{index}.jpg"
    return images


def build_report_docx(data: dict, progress: Callable[[int], None] | None = None) -> bytes:
    data = export_safe_tree(data)  # an old row with a control character cannot break the file
    language = data["language"]
    with tempfile.TemporaryDirectory(prefix="klankbord-docx-") as folder:
        folder = Path(folder)
        images = _chart_images(data, folder) | _photo_images(data, folder)
        if progress:
            progress(30)
        reference = folder / "reference.docx"
        reference_docx(data["title"], language, reference)
        ast = report_ast(data, images)
        if progress:
            progress(50)
        output = folder / "report.docx"
        result = subprocess.run(
            [PANDOC, "--from=json", "--to=docx", f"--reference-doc={reference}",
             f"--resource-path={folder}", f"--output={output}"],
            input=json.dumps(ast, ensure_ascii=False).encode(), capture_output=True, cwd=folder, timeout=300)
        if result.returncode != 0:
            raise DocxError(f"pandoc failed ({result.returncode})")
        if progress:
            progress(90)
        return _fix_language_styles(output.read_bytes())


def _fix_language_styles(docx: bytes) -> bytes:
    """pandoc sets every style's w:lang to the document's language; give the language styles theirs back."""
    import zipfile
    from io import BytesIO

    from lxml import etree

    source = zipfile.ZipFile(BytesIO(docx))
    styles = etree.fromstring(source.read("word/styles.xml"))
    for code, word_language in TEXT_LANGUAGE.items():
        for style in styles.iter(qn("w:style")):
            if style.get(qn("w:styleId")) != language_style(code).replace(" ", ""):
                continue
            rpr = style.find(qn("w:rPr"))
            if rpr is None:
                rpr = etree.SubElement(style, qn("w:rPr"))
            for old in rpr.findall(qn("w:lang")):
                rpr.remove(old)
            lang = etree.SubElement(rpr, qn("w:lang"))
            lang.set(qn("w:bidi" if code in RTL else "w:val"), word_language)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/styles.xml":
                content = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, content)
    return out.getvalue()
