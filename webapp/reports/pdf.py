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

import logging
import mimetypes
from pathlib import Path
from typing import Callable

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

STATIC_ROOT = (Path(__file__).parent / "static").resolve()
SCHEME = "klankbord-static:"


class StaticOnlyFetcher(URLFetcher):
    """Serves `klankbord-static:<path>` from the report's static folder; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        #: URLs that were refused, for tests and logs (the URL itself may be user text: not logged).
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
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


def render_report_html(data: dict) -> str:
    from .labels import label

    language = data["language"]
    return render_template("reports/pdf/report.html", r=data, L=lambda key, **kw: label(key, language, **kw),
                           static=lambda name: SCHEME + name)


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None,
                progress: Callable[[int], None] | None = None) -> bytes:
    fetcher = fetcher or StaticOnlyFetcher()
    # base_url is our own scheme: a relative URL in the HTML resolves to something we refuse.
    document = HTML(string=html, base_url=SCHEME + "/", url_fetcher=fetcher).render()
    if progress:
        progress(80)
    # PDF/UA-1: a tagged PDF (structure tree, /MarkInfo), with the title shown in the window,
    # the document language from <html lang> and XMP metadata.
    return document.write_pdf(attachments=None, pdf_variant="pdf/ua-1")


def build_report_pdf(data: dict, progress: Callable[[int], None] | None = None,
                     fetcher: StaticOnlyFetcher | None = None) -> bytes:
    html = render_report_html(data)
    if progress:
        progress(20)
    return html_to_pdf(html, fetcher, progress)
