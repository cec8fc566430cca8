"""PDF rendering with WeasyPrint, restricted to the app's own static files.

WeasyPrint 70 takes a `URLFetcher` instance (weasyprint/urls.py); its `fetch(url, headers)`
is the one place every stylesheet, image, font and attachment request passes through.
Ours never opens a network or file URL: it answers only `klankbord-static:` URLs, reads
them from this blueprint's static folder (no `..`, no symlinks out), and refuses the rest —
so neither `file:///etc/passwd`, nor `http://169.254.169.254/`, nor a redirect (the
CVE-2025-68616 SSRF bypass: redirects are never followed because nothing is fetched
over HTTP at all) can reach the renderer. User text is escaped by Jinja before it gets here.
"""
from __future__ import annotations

import gc
import logging
import mimetypes
import re
import unicodedata
from pathlib import Path
from typing import Callable

from flask import current_app
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from ..template_cache import compiled_template_cache
from ..text import export_safe, export_safe_tree
from .figures import PHOTO_SCHEME, figure_files
from .labels import label

log = logging.getLogger(__name__)

STATIC_ROOT = (Path(__file__).parent / "static").resolve()
SCHEME = "klankbord-static:"


class StaticOnlyFetcher(URLFetcher):
    """Serves `klankbord-static:<path>` from the report's static folder, and the exact URLs of
    `files` (the photos a report's data names as figures, read by figures.figure_files);
    refuses everything else."""

    def __init__(self, files: dict[str, bytes] | None = None):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.files = dict(files or {})
        #: URLs that were refused, for tests and logs (the URL itself may be user text: not logged).
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        if url in self.files:
            self.served.append(url)
            return URLFetcherResponse(url, self.files[url], {"Content-Type": "image/jpeg"})
        if url.startswith(SCHEME):
            relative = url[len(SCHEME):].split("?", 1)[0].split("#", 1)[0].lstrip("/")
            path = (STATIC_ROOT / relative).resolve()
            if path.is_file() and path.is_relative_to(STATIC_ROOT):
                self.served.append(relative)
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        log.warning("report renderer refused a URL (%d refused so far)", len(self.refused))
        raise ValueError("only the report's own static files may be loaded")

    def open(self, url, data=None, timeout=None):  # the urllib entry point: same rule
        return self.fetch(url if isinstance(url, str) else url.full_url)


#: Longest run of characters without a break opportunity that the PDF lays out as typed.
BREAK_EVERY = 30
ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(r"\S{%d,}" % (BREAK_EVERY + 1))
#: Characters a break may not be put before: they belong to the character in front of them.
_NO_BREAK_BEFORE = {"\u200d", "\u200c", "\u2060", *map(chr, range(0xFE00, 0xFE10))}


def _break_run(match: re.Match) -> str:
    out, since_break = [], 0
    for char in match.group():
        if since_break >= BREAK_EVERY and char not in _NO_BREAK_BEFORE and not unicodedata.combining(char):
            out.append(ZERO_WIDTH_SPACE)
            since_break = 0
        out.append(char)
        since_break += 1
    return "".join(out)


def breakable(value):
    """`value` with a zero-width space every BREAK_EVERY characters of a run without spaces.

    WeasyPrint's layout of one long unbreakable word grows faster than linearly with its
    length (a 200,000-character word took minutes); with break opportunities it stays
    linear. Only at render time: the stored text is never changed. Markup (our own HTML,
    charts) and non-text pass unchanged.
    """
    if not isinstance(value, str) or isinstance(value, Markup) or len(value) <= BREAK_EVERY:
        return value
    return _LONG_RUN.sub(_break_run, value)


def _pdf_environment(app):
    """The app's Jinja environment, but every `{{ ... }}` of the PDF templates passes `breakable`
    (a new template or field cannot forget it); `|breakable` is also a filter there."""
    environment = app.extensions.get("klankbord_pdf_jinja")
    if environment is None:
        environment = app.jinja_env.overlay(finalize=breakable, bytecode_cache=compiled_template_cache(app, "pdf"))
        environment.filters["breakable"] = breakable
        app.extensions["klankbord_pdf_jinja"] = environment
    return environment


#: The page's text area (report.css: A4, margins 22 and 24 mm) and the box's measures, in mm.
PAGE_TEXT_HEIGHT_MM = 297 - 22 - 24
BOX_LINE_MM, BOX_CHARS_PER_LINE, BOX_PARAGRAPH_GAP_MM, BOX_FRAME_MM = 5.1, 92, 2.5, 24


def keeps_together(box: dict) -> bool:
    """Whether a box (a report box or a good example) is shorter than a third of a page, so it
    is kept on one page (`.box.keep`). Estimated from its text: a second layout pass to measure
    it would double the build. Footnote calls add nothing: their text goes to the page foot."""
    paragraphs = ["".join(s.get("text", "") for s in segments) for segments in box.get("body", [])]
    paragraphs += [f"{field['label']} {field['text']}" for field in box.get("fields", [])]
    lines = sum(max(1, -(-len(text) // BOX_CHARS_PER_LINE)) for text in paragraphs)
    height = BOX_FRAME_MM + lines * BOX_LINE_MM + len(paragraphs) * BOX_PARAGRAPH_GAP_MM
    return height <= PAGE_TEXT_HEIGHT_MM / 3


def render_report_html(data: dict) -> str:
    data = export_safe_tree(data)  # an old row with a control character cannot break the PDF
    language = data["language"]
    app = current_app._get_current_object()
    context = {"r": data, "L": lambda key, **kw: label(key, language, **kw), "keeps_together": keeps_together,
               "static": lambda name: Markup(SCHEME + name),  # a URL: never broken up
               "photo": lambda key: Markup(PHOTO_SCHEME + key)}
    app.update_template_context(context)
    return _pdf_environment(app).get_template("reports/pdf/report.html").render(context)


def _with_structure_attributes(build_box_tree):
    """WeasyPrint 70's tagger (`weasyprint.pdf.tags._build_box_tree`), plus two attributes of
    the HTML it leaves out of the structure tree:

    - `/Lang` on the structure element of every HTML element with a `lang` attribute (a quote
      in Arabic in a Dutch report): PDF/UA-1 7.2 wants the language of every passage that
      differs from the document's, and screen readers switch voice on it;
    - `/Scope` (`/Column`, or `/Row` for `<th scope="row">`) in the table attributes of every
      header cell, so the header-to-cell relation is stated, not only implied by `/Headers`.

    Done while WeasyPrint builds the tree, not in a second pass over the written file: the
    5,000-finding annex has ~400,000 structure elements, and a pikepdf pass over them cost
    more than the whole annex layout may grow by (docs/benchmarks.md). The wrapped function
    is private to WeasyPrint: pinned (pyproject.toml), and the /Lang and /Scope tests in
    tests/test_report_build.py fail when an upgrade changes what it yields.
    """
    import pydyf

    def build(box, parent, pdf, page_number, nums, annotations, tags):
        element_of = getattr(box, "_box", box)  # an absolute placeholder stands for its box
        html_element = getattr(element_of, "element", None)
        for element in build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
            if html_element is not None and element.get("P") == parent.reference:
                language = html_element.get("lang")
                if language and getattr(element_of, "element_tag", None) not in ("html", "body"):
                    element["Lang"] = pydyf.String(language)
                if element.get("S") == "/TH" and "A" in element:
                    element["A"]["Scope"] = "/Row" if html_element.get("scope") == "row" else "/Column"
            yield element

    build.wrapped = build_box_tree
    return build


def _tag_languages_and_header_scopes() -> None:
    from weasyprint.pdf import tags

    if not hasattr(tags._build_box_tree, "wrapped"):
        tags._build_box_tree = _with_structure_attributes(tags._build_box_tree)


_tag_languages_and_header_scopes()


def _parsed(html: str, fetcher: StaticOnlyFetcher) -> HTML:
    """`html` parsed for WeasyPrint, which keeps the tree, not the string."""
    html = export_safe(html)  # markup is untouched; a stray control character in text becomes U+FFFD
    # base_url is our own scheme: a relative URL in the HTML resolves to something we refuse.
    return HTML(string=html, base_url=SCHEME + "/", url_fetcher=fetcher)


def _laid_out_pdf(parsed: HTML, progress: Callable[[int], None] | None) -> bytes:
    document = parsed.render()
    if progress:
        progress(80)
    # PDF/UA-1: a tagged PDF (structure tree, /MarkInfo), with the title shown in the window,
    # the document language from <html lang> and XMP metadata.
    return document.write_pdf(attachments=None, pdf_variant="pdf/ua-1")


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None,
                progress: Callable[[int], None] | None = None) -> bytes:
    return _laid_out_pdf(_parsed(html, fetcher or StaticOnlyFetcher()), progress)


def build_report_pdf(data: dict, progress: Callable[[int], None] | None = None,
                     fetcher: StaticOnlyFetcher | None = None) -> bytes:
    # What the layout never reads again goes before it starts (the 5,000-finding annex's peak,
    # docs/benchmarks.md): the HTML string, millions of characters with a large annex, is let
    # go once parsed, and the objects collecting the report left in reference cycles (the ORM
    # rows of a build in this process, as the CLI's) are collected.
    parsed = _parsed(render_report_html(data), fetcher or StaticOnlyFetcher(figure_files(data)))
    gc.collect()
    if progress:
        progress(20)
    return _laid_out_pdf(parsed, progress)
