"""Charts as SVG, drawn with matplotlib: shown inline in pages and embedded in the PDF.

One place, so the evidence matrix, survey results and the report look alike. Text stays
text in the SVG (`svg.fonttype: none`), so the report's fonts, Arabic included, apply.
"""
from __future__ import annotations

import io
import re
from functools import cache, lru_cache

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
    figure = _bar_figure(list(labels), list(values), title, value_format, width_inches)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    _pyplot().close(figure)
    svg = buffer.getvalue()
    # Drop the XML prolog and DOCTYPE so the SVG can sit inside HTML.
    return Markup(svg[svg.index("<svg"):])


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
    PDF keeps matplotlib's own output (`reports.services.report_svg`).
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
