"""Write one section of docs/benchmarks.md between its own markers, leaving the rest as it is."""
from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n"


def write_section(key: str, title: str, body: str) -> None:
    """Replace the block between `<!-- key:begin -->` and `<!-- key:end -->`, or append it.

    The file is re-read just before writing: other scripts own other sections.
    """
    DOC.parent.mkdir(exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    begin, end = f"<!-- {key}:begin -->", f"<!-- {key}:end -->"
    block = f"{begin}\n## {title}\n\n{body.strip()}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
