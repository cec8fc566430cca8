"""Benchmark (not a test): the report builder against WeasyPrint alone, and a 5,000-finding annex.

    .venv/bin/python bench/report_build.py [--runs 5] [--write]

1. The demo report, Dutch PDF: our whole build (collect from the database, render the
   template, WeasyPrint) against WeasyPrint alone rendering the same final HTML. Target
   ratio <= 1.15. Each side is measured `--runs` times after one warm-up; medians compared.
2. Peak memory (max RSS of a fresh child process) and time for the demo report with 5,000
   extra findings linked to its recommendations and printed in the evidence annex.

With --write the results replace the "Report build" section of docs/benchmarks.md (other
sections of that file are left as they are).
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- report-build:begin -->", "<!-- report-build:end -->"


def make_app(db_path: Path):
    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db

    class BenchConfig(Config):
        SECRET_KEY = "bench"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        from webapp.demo.services import load_demo

        load_demo()
    return app


def compare(app, runs: int) -> dict:
    from webapp.reports.pdf import build_report_pdf, html_to_pdf, render_report_html
    from webapp.reports.services import collect_report, demo_report

    with app.app_context():
        report = demo_report()

        def ours():
            return build_report_pdf(collect_report(report, "nl"))

        html = render_report_html(collect_report(report, "nl"))

        def weasy_alone():
            return html_to_pdf(html)

        ours(), weasy_alone()  # warm-up: fonts, caches
        ours_times, weasy_times = [], []
        pdf = ours()
        for run in range(runs):
            # Interleaved, alternating which goes first, with a collected heap before each:
            # machine noise and garbage left by the previous build then hit both sides alike.
            pair = [(ours, ours_times), (weasy_alone, weasy_times)]
            for build, times in (pair if run % 2 == 0 else pair[::-1]):
                gc.collect()
                start = time.perf_counter()
                build()
                times.append(time.perf_counter() - start)
        from pypdf import PdfReader
        import io

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    ours_median, weasy_median = statistics.median(ours_times), statistics.median(weasy_times)
    return {"pages": pages, "ours": ours_median, "weasy": weasy_median, "ratio": ours_median / weasy_median}


def _big_build(db_path: str, findings: int, queue) -> None:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.reports.models import Recommendation, RecommendationFinding
    from webapp.reports.services import collect_report, demo_report, render_file

    app = make_app(Path(db_path))
    with app.app_context():
        recommendations = db.session.scalars(select(Recommendation)).all()
        activity = db.session.scalars(select(Finding)).first().activity
        words = ("Werkgevers vragen om een vaste begeleider op de werkvloer, zodat de statushouder een "
                 "aanspreekpunt heeft in de eerste maanden en uitval kleiner wordt.")
        batch = []
        for n in range(findings):
            finding = Finding(activity=activity, text=f"{n}: {words}", language="nl", kind="observation")
            batch.append(finding)
            recommendations[n % len(recommendations)].evidence.append(RecommendationFinding(finding=finding))
        db.session.add_all(batch)
        db.session.commit()
        start = time.perf_counter()
        data = collect_report(demo_report(), "nl")
        pdf = render_file(data, "pdf")
        seconds = time.perf_counter() - start
        from pypdf import PdfReader
        import io

        queue.put({"seconds": seconds, "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                   "annex": sum(len(g["findings"]) for g in data["evidence_annex"])})


def big_annex(findings: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        context = multiprocessing.get_context("spawn")  # a fresh process: its max RSS is this build's alone
        queue = context.Queue()
        process = context.Process(target=_big_build, args=(str(Path(tmp) / "big.db"), findings, queue))
        process.start()
        result = queue.get()
        process.join()
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def write_section(text: str) -> None:
    """Replace only our own section: another engineer may keep theirs in the same file."""
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{text.rstrip()}\n{END}"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--findings", type=int, default=5000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp) / "demo.db")
        small = compare(app, args.runs)
    print(f"demo report ({small['pages']} pages): ours {small['ours']:.2f} s, WeasyPrint alone "
          f"{small['weasy']:.2f} s, ratio {small['ratio']:.3f} (target <= 1.15)")
    big = big_annex(args.findings)
    print(f"{big['annex']} findings in the evidence annex ({big['pages']} pages): {big['seconds']:.1f} s, "
          f"peak memory {big['peak_mb']:.0f} MB")
    if args.write:
        write_section(f"""## Report build (`bench/report_build.py`)

Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, Python {platform.python_version()},
WeasyPrint {__import__('weasyprint').__version__}, SQLite; medians of {args.runs} interleaved runs after a warm-up.

| Measurement | Result |
|---|---|
| Demo report, Dutch PDF ({small['pages']} pages): whole build (database → HTML → PDF) | {small['ours']:.2f} s |
| WeasyPrint alone on the same final HTML | {small['weasy']:.2f} s |
| **Ratio** (target ≤ 1.15) | **{small['ratio']:.3f}** |
| Demo report + {big['annex']:,} findings in the evidence annex ({big['pages']} pages): build time | {big['seconds']:.1f} s |
| Same: peak memory of the build process (max RSS) | {big['peak_mb']:.0f} MB |

The evidence annex is laid out as blocks, not as a table: WeasyPrint's documentation notes that
long multi-page tables are slow. Run it again with
`.venv/bin/python bench/report_build.py --write`.""")


if __name__ == "__main__":
    main()
