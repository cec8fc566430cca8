"""Charts as SVG, drawn with matplotlib: shown inline in pages and embedded in the PDF.

One place, so the evidence matrix, survey results and the report look alike. Text stays
text in the SVG (`svg.fonttype: none`), so the report's fonts, Arabic included, apply.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import time
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup, escape

ACCENT = "#0b6e6e"


@cache
def _pyplot():
    """matplotlib, loaded on the first chart: importing it costs ~0.7 s, which every web
    process, CLI call and job worker would otherwise pay at start-up (docs/benchmarks.md)."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none",
        "font.family": ["Noto Sans", "DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "klankbord",  # same input, same SVG: report builds stay reproducible
    })
    return plt


def _plain(text: str) -> str:
    """Matplotlib reads text between two `$` as mathematics; user text is only text."""
    return text.replace("$", r"\$")


def _bar_figure(labels: list[str], values: list[float], title: str | None, value_format: str,
                width_inches: float):
    plt = _pyplot()
    height = max(1.2, 0.32 * len(labels) + 0.6)
    figure, axes = plt.subplots(figsize=(width_inches, height))
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, values, color=ACCENT)
    axes.set_yticks(positions, labels=[_plain(label) for label in labels])
    axes.bar_label(bars, labels=[value_format.format(v) for v in values], padding=3)
    axes.xaxis.set_visible(False)
    axes.spines["bottom"].set_visible(False)
    if title:
        axes.set_title(_plain(title), loc="left", fontsize=10)
    figure.tight_layout()
    return figure


def horizontal_bar_chart(labels: list[str], values: list[float], *, title: str | None = None,
                         value_format: str = "{:g}", width_inches: float = 6.0) -> Markup:
    """A horizontal bar chart, largest first as given; returns SVG markup ready for a template.

    The same counts give the same chart (matplotlib's output is reproducible here), so it is
    drawn once per process: pages and report builds that show unchanged results skip matplotlib.
    """
    return _cached_bar_chart(tuple(str(label) for label in labels), tuple(values), title, value_format,
                             width_inches)


@lru_cache(maxsize=512)
def _cached_bar_chart(labels: tuple[str, ...], values: tuple[float, ...], title: str | None, value_format: str,
                      width_inches: float) -> Markup:
    key = _chart_key("bar-svg", labels, values, title, value_format, width_inches)
    stored = _read_stored_chart(key)
    if stored is not None:
        return Markup(stored)
    figure = _bar_figure(list(labels), list(values), title, value_format, width_inches)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    _pyplot().close(figure)
    svg = buffer.getvalue()
    # Drop the XML prolog and DOCTYPE so the SVG can sit inside HTML.
    svg = svg[svg.index("<svg"):]
    _store_chart(key, svg)
    return Markup(svg)


# ---------------------------------------------------------------- charts kept across processes
#
# A chart is a pure function of its numbers and labels, so it is also kept as a file under the
# instance folder: a new process (`flask report build`, a job worker, a restarted web process)
# that draws a chart already drawn reads it back instead of importing matplotlib (~0.7 s) and
# drawing (~0.1 s a chart). The key holds every input and matplotlib's version; the files hold
# only counts and the labels of themes and answer options, never what a person wrote.

#: Changed when the drawing code above changes, so no file drawn the old way is used again.
CHART_STYLE = "1"
#: Files not used for this long are removed when a new chart is stored.
CHART_FILE_DAYS = 30


@cache
def _matplotlib_version() -> str:
    from importlib.metadata import version

    return version("matplotlib")


def _chart_key(kind: str, *inputs) -> str:
    text = json.dumps([kind, CHART_STYLE, _matplotlib_version(), *inputs], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _chart_folder() -> Path | None:
    from flask import current_app, has_app_context

    if not has_app_context() or not current_app.config["CHART_FILE_CACHE"]:
        return None
    return Path(current_app.instance_path) / "chart-cache"


def _read_stored_chart(key: str) -> str | None:
    folder = _chart_folder()
    if folder is None:
        return None
    path = folder / f"{key}.svg"
    try:
        svg = path.read_text(encoding="utf-8")
        os.utime(path)  # in use: kept by the clean-up below
    except (OSError, UnicodeDecodeError):
        return None
    return svg if svg.startswith("<svg") else None


def _store_chart(key: str, svg: str) -> None:
    """Written to a temporary file and renamed, so a process never reads half a chart."""
    folder = _chart_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as file:
            file.write(svg)
        os.replace(file.name, folder / f"{key}.svg")
        _remove_unused_charts(folder)
    except OSError:
        pass  # a read-only instance folder only means drawing again next time


def _remove_unused_charts(folder: Path) -> None:
    cutoff = time.time() - CHART_FILE_DAYS * 86400
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def horizontal_bar_chart_png(labels: list[str], values: list[float], *, value_format: str = "{:g}",
                             width_inches: float = 6.0, dpi: int = 200) -> bytes:
    """The same chart as a PNG image, for files that cannot hold SVG (the Word export)."""
    figure = _bar_figure(labels, values, None, value_format, width_inches)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    _pyplot().close(figure)
    return buffer.getvalue()


_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_FONT_SHORTHAND = re.compile(r"^(?:(italic|oblique|normal)\s+)?(?:(bold|normal|\d00)\s+)?([\d.]+px)\s+(.+)$")
_SVG_OPEN = re.compile(r"<svg\b")


def _presentation_attributes(declarations: str) -> str:
    attributes = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name or not value:
            continue
        if name == "font":
            match = _FONT_SHORTHAND.match(value)
            if not match:
                continue
            style, weight, size, family = match.groups()
            pairs = [("font-style", style), ("font-weight", weight), ("font-size", size), ("font-family", family)]
            attributes += [f'{n}="{escape(v)}"' for n, v in pairs if v]
        else:
            attributes.append(f'{name}="{escape(value)}"')
    return (" " + " ".join(attributes)) if attributes else ""


def page_svg(svg: str) -> Markup:
    """A chart as a page may show it under the Content-Security-Policy (no inline styles).

    matplotlib writes `style="..."` attributes and a `<style>` element, which a strict
    style-src refuses; the same declarations as SVG presentation attributes are not styles
    and render alike. Only tags are rewritten, never the (escaped) text of the labels; the
    PDF keeps matplotlib's own output (`reports.survey_results.report_svg`).
    """
    svg = str(svg)
    root_attributes = ""
    element = _STYLE_ELEMENT.search(svg)
    if element:
        rule = re.search(r"\*\s*\{([^}]*)\}", element.group(1))
        root_attributes = _presentation_attributes(rule.group(1)) if rule else ""
        svg = svg[:element.start()] + svg[element.end():]

    def rewrite(match: re.Match) -> str:
        return _STYLE_ATTRIBUTE.sub(lambda m: _presentation_attributes(m.group(1)), match.group(0))

    svg = re.sub(r"<[^>]+>", rewrite, svg)
    return Markup(_SVG_OPEN.sub("<svg" + root_attributes, svg, count=1))
