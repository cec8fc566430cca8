"""Benchmark (not a test): PDF layout time of one very long word against ordinary text.

    .venv/bin/python bench/long_word.py [--chars 200000] [--write]

Both texts are rendered through the report's PDF path (the PDF Jinja environment, whose
`breakable` finalizer inserts break opportunities, the report stylesheet, WeasyPrint):

1. one word of --chars characters without a space (what a paste of a URL list or a
   base64 blob looks like);
2. --chars characters of ordinary text (words of 2-12 letters and spaces).

The ratio word/ordinary is the figure of merit; target <= 2 (before the break
opportunities, a 200,000-character word took 733 s against 5 s for ordinary text).
With --write the result replaces the "Long unbroken words" section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>bench</title>
<link rel="stylesheet" href="{{ static('report.css') }}"></head>
<body><section><h1>Lang woord</h1><p>{{ text }}</p></section></body></html>"""


def ordinary_text(chars: int) -> str:
    rng = random.Random(12)
    words, length = [], 0
    while length < chars:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéë") for _ in range(rng.randint(2, 12)))
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:chars]


def layout_seconds(app, text: str) -> tuple[float, int]:
    from markupsafe import Markup

    from webapp.reports.pdf import SCHEME, _pdf_environment, html_to_pdf

    with app.test_request_context():
        html = _pdf_environment(app).from_string(PAGE).render(
            text=text, static=lambda name: Markup(SCHEME + name))
        # CPU time of this process: layout is single-threaded, and a shared machine's load
        # (other builds, other tests) would otherwise blur the comparison.
        started = time.process_time()
        pdf = html_to_pdf(html)
        return time.process_time() - started, len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    import weasyprint

    from webapp import create_app
    from webapp.config import TestConfig

    app = create_app(TestConfig)
    layout_seconds(app, "warm-up")
    word_time, word_size = layout_seconds(app, "x" * args.chars)
    text_time, text_size = layout_seconds(app, ordinary_text(args.chars))
    ratio = word_time / text_time
    print(f"one word of {args.chars:,} characters: {word_time:.2f} s ({word_size:,} bytes of PDF)")
    print(f"{args.chars:,} characters of ordinary text: {text_time:.2f} s ({text_size:,} bytes of PDF)")
    print(f"ratio word/ordinary: {ratio:.2f} (target <= 2)")
    if args.write:
        from bench_docs import write_section

        write_section("long-word", "Long unbroken words (`bench/long_word.py`)", f"""
Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, Python {platform.python_version()},
WeasyPrint {weasyprint.__version__}; CPU seconds of one run each after a warm-up, through the report's PDF path
(the `breakable` finalizer puts a zero-width space every 30 characters of a run without spaces).

| Text laid out | CPU time |
|---|---|
| One word of {args.chars:,} characters | {word_time:.2f} s |
| {args.chars:,} characters of ordinary text | {text_time:.2f} s |
| **Ratio** (target ≤ 2) | **{ratio:.2f}** |

Before the break opportunities the same word took 733 s (10k characters 3 s, 20k 15 s, 40k 54 s):
WeasyPrint's line breaking of one unbreakable run grows worse than linearly. Run it again with
`.venv/bin/python bench/long_word.py --write`.
""")


if __name__ == "__main__":
    main()
