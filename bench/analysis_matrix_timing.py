"""How long the evidence matrix takes for 5,000 findings (issue 4's quality bar: well under a second).

Run: .venv/bin/python bench/analysis_matrix_timing.py [--write]
Builds a throwaway SQLite database with the demo codebook and 5,000 findings spread over
its themes, then times `build_matrix()` alone and the whole /analysis/evidence page
(queries, template, SVG chart). With --write the figures go into docs/benchmarks.md.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from bench_docs import write_section  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.activities.models import Activity  # noqa: E402
from webapp.analysis.matrix import _chart, build_matrix  # noqa: E402
from webapp.search_words import search_text_for  # noqa: E402
from webapp.auth.services import create_user  # noqa: E402
from webapp.config import TestConfig  # noqa: E402
from webapp.demo.services import load_demo  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.findings.models import Finding, finding_themes  # noqa: E402
from webapp.organisations.models import Organisation  # noqa: E402
from webapp.organisations.stakeholder_types import STAKEHOLDER_TYPES  # noqa: E402
from webapp.themes.models import Theme  # noqa: E402

FINDINGS = 5000
RUNS = 7


def main(write: bool) -> None:
    directory = tempfile.mkdtemp(prefix="klankbord-bench-")

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory}/bench.db"

    app = create_app(BenchConfig)
    rnd = random.Random(4)
    with app.app_context():
        db.create_all()
        load_demo()
        activities = list(db.session.scalars(select(Activity.id)))
        themes = list(db.session.scalars(select(Theme.id)))
        organisations = list(db.session.scalars(select(Organisation.id)))
        existing = db.session.scalar(select(db.func.count(Finding.id)))
        rows = [{"client_id": uuid.uuid4(), "activity_id": rnd.choice(activities), "text": f"Bevinding {n}",
                 "search_text": search_text_for(f"Bevinding {n}"), "language": rnd.choice(["nl", "en"]),
                 "kind": "observation", "stakeholder_type": rnd.choice([*STAKEHOLDER_TYPES, None]),
                 "organisation_id": rnd.choice([*organisations, None]), "version": 1}
                for n in range(FINDINGS - existing)]
        ids = db.session.scalars(insert(Finding).returning(Finding.id), rows).all()
        db.session.execute(insert(finding_themes), [
            {"finding_id": i, "theme_id": t} for i in ids for t in rnd.sample(themes, rnd.randint(0, 4))])
        db.session.commit()
        total = db.session.scalar(select(db.func.count(Finding.id)))
        tags = db.session.scalar(select(db.func.count()).select_from(finding_themes))

        matrix_times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            build_matrix()
            matrix_times.append(time.perf_counter() - start)
        create_user("bench@example.test", "Bench", "author", "bench-password-long", locale="en")

    client = app.test_client()
    client.post("/login", data={"email": "bench@example.test", "password": "bench-password-long"})
    page_times, cold = [], None
    for run in range(RUNS):
        if run == 0:
            _chart.cache_clear()
        start = time.perf_counter()
        assert client.get("/analysis/evidence").status_code == 200
        elapsed = time.perf_counter() - start
        if run == 0:
            cold = elapsed
        else:
            page_times.append(elapsed)

    lines = [
        f"Evidence matrix, {total:,} findings with {tags:,} theme tags over {len(themes)} themes "
        f"(demo codebook), SQLite, {RUNS} runs on this machine:",
        "",
        "| What | Median | Slowest |",
        "|---|---|---|",
        f"| `build_matrix()` (all grouped queries) | {statistics.median(matrix_times) * 1000:.0f} ms "
        f"| {max(matrix_times) * 1000:.0f} ms |",
        f"| `/analysis/evidence` page, chart already drawn | {statistics.median(page_times) * 1000:.0f} ms "
        f"| {max(page_times) * 1000:.0f} ms |",
        f"| `/analysis/evidence` page, chart drawn anew (first request) | {cold * 1000:.0f} ms | |",
        "",
        "Command: `.venv/bin/python bench/analysis_matrix_timing.py --write`.",
    ]
    print("\n".join(lines))
    if write:
        write_section("analysis-matrix", "Evidence matrix timing (`bench/analysis_matrix_timing.py`)", "\n".join(lines))


if __name__ == "__main__":
    main("--write" in sys.argv)
