"""Benchmark (not a test): the report builder against WeasyPrint alone, and a 5,000-finding annex.

    .venv/bin/python bench/report_build.py [--runs 5] [--write]

1. The demo report, Dutch PDF: our whole build (collect from the database, render the
   template, WeasyPrint) against WeasyPrint alone rendering the same final HTML. Target
   ratio <= 1.15. Each side is measured `--runs` times after one warm-up; medians compared.
2. Peak memory (max RSS of a fresh child process that builds as a worker does: start the app,
   collect, render) and time for the demo report with 5,000 extra findings linked to its
   recommendations and printed in the evidence annex; the findings are stored by another
   process first. The `weasyprint` command on the same HTML is measured alongside.

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
    from webapp.reports.builds import demo_report
    from webapp.reports.collect import collect_report

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


def _fill_big_database(db_path: str, findings: int) -> None:
    """The demo plus `findings` findings linked to its recommendations, stored and left: the
    objects made here never sit in the build's memory (a build runs in a worker of its own)."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.reports.models import Recommendation, RecommendationFinding

    app = make_app(Path(db_path))
    with app.app_context():
        recommendations = db.session.scalars(select(Recommendation)).all()
        activity = db.session.scalars(select(Finding)).first().activity
        # About 750 characters each, as findings captured in the field average (issue 17).
        sentences = ("Werkgevers vragen om een vaste begeleider op de werkvloer, zodat de statushouder een "
                     "aanspreekpunt heeft in de eerste maanden en uitval kleiner wordt.",
                     "De gemeente en het leerwerkbedrijf spreken af wie de taalcoaching betaalt.",
                     "Deelnemers noemen de combinatie van inburgering en werk zwaar, vooral met kinderen thuis.",
                     "Een mbo-opleiding met een taalsteunlijn maakt diplomering haalbaar, zegt de docent.",
                     "Het UWV en de gemeente delen nu één klantbeeld, wat dubbel werk voorkomt.",
                     "Zonder erkenning van het buitenlandse diploma blijft men onder het eigen niveau werken.",
                     "Vrijwilligerswerk wordt gezien als opstap, maar mag de uitkering niet in gevaar brengen.",
                     "Een vaste contactpersoon bij de werkgever helpt bij het begrijpen van de werkcultuur.")
        batch = []
        for n in range(findings):
            text = " ".join(sentences[(n + k) % len(sentences)] for k in range(8))
            finding = Finding(activity=activity, text=f"{n}: {text}", language="nl", kind="observation")
            batch.append(finding)
            recommendations[n % len(recommendations)].evidence.append(RecommendationFinding(finding=finding))
        db.session.add_all(batch)
        db.session.commit()


def _big_build(db_path: str, html_path: str, queue) -> None:
    """What a build worker does: start the app, collect the report, render the PDF."""
    from webapp import create_app
    from webapp.config import Config
    from webapp.reports.pdf import SCHEME, STATIC_ROOT, render_report_html
    from webapp.reports.builds import demo_report
    from webapp.reports.collect import collect_report, render_file

    class BenchConfig(Config):
        SECRET_KEY = "bench"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"

    app = create_app(BenchConfig)
    with app.app_context():
        start = time.perf_counter()
        data = collect_report(demo_report(), "nl")
        pdf = render_file(data, "pdf")
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        html = render_report_html(data)  # the same HTML for the `weasyprint` command, after the peak was read
        Path(html_path).write_text(html.replace(SCHEME, STATIC_ROOT.as_uri() + "/"), encoding="utf-8")
        from pypdf import PdfReader
        import io

        queue.put({"seconds": seconds, "peak_mb": peak_mb, "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                   "annex": sum(len(g["findings"]) for g in data["evidence_annex"])})


def _peak_of_command(command: list[str]) -> tuple[float, float]:
    """(seconds, max RSS in MB) of one command, from its own rusage (os.wait4)."""
    import os
    import subprocess

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{command[0]} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def big_annex(findings: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db_path, html_path = str(Path(tmp) / "big.db"), str(Path(tmp) / "big.html")
        context = multiprocessing.get_context("spawn")  # fresh processes: the build's max RSS is its own
        filler = context.Process(target=_fill_big_database, args=(db_path, findings))
        filler.start()
        filler.join()
        queue = context.Queue()
        process = context.Process(target=_big_build, args=(db_path, html_path, queue))
        process.start()
        result = queue.get()
        process.join()
        # The floor: the `weasyprint` command on the same HTML, the same kind of file (PDF/UA-1).
        result["weasy_seconds"], result["weasy_peak_mb"] = _peak_of_command(
            [str(Path(sys.executable).parent / "weasyprint"), "--pdf-variant", "pdf/ua-1", html_path,
             str(Path(tmp) / "theirs.pdf")])
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
          f"peak memory {big['peak_mb']:.0f} MB; the weasyprint command on its HTML {big['weasy_seconds']:.1f} s, "
          f"{big['weasy_peak_mb']:.0f} MB")
    if args.write:
        write_section(f"""## Report build (`bench/report_build.py`)

Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, Python {platform.python_version()},
WeasyPrint {__import__('weasyprint').__version__}, SQLite; medians of {args.runs} interleaved runs after a warm-up.

| Measurement | Result |
|---|---|
| Demo report, Dutch PDF ({small['pages']} pages): whole build (database → HTML → PDF) | {small['ours']:.2f} s |
| WeasyPrint alone on the same final HTML | {small['weasy']:.2f} s |
| **Ratio** (target ≤ 1.15) | **{small['ratio']:.3f}** |
| Demo report + {big['annex']:,} findings of about 750 characters in the evidence annex ({big['pages']} pages): build time | {big['seconds']:.1f} s |
| Same: peak memory of the build process (max RSS; target < 600 MB) | {big['peak_mb']:.0f} MB |
| The `weasyprint` command on the same HTML (PDF/UA-1): time, peak memory | {big['weasy_seconds']:.1f} s, {big['weasy_peak_mb']:.0f} MB |

The evidence annex is laid out as blocks, not as a table: WeasyPrint's documentation notes that
long multi-page tables are slow. Run it again with
`.venv/bin/python bench/report_build.py --write`.""")


if __name__ == "__main__":
    main()
