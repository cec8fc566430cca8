"""Benchmarks at national size, each against a floor measured in the same run (issue 17).

    bench/run                 everything, short runs (10 s of load each), results on stdout
    bench/run --write         ... and into docs/benchmarks.md (with the machine and a plot)
    bench/run --seconds 30    the full-length save runs

- save: findings saved through the API by 50 concurrent clients, against a bare Flask
  endpoint inserting one row under the same server: SQLite + Waitress (8 threads) and
  PostgreSQL + gunicorn (4 workers). Errors and duplicates are counted.
- import: `import wsgi` in a fresh interpreter (wall and CPU), heavy libraries loaded or not.
- unchanged report: asking for a build of a report that did not change (the stored version).
- report build: `flask report build` as a whole process against `weasyprint` on the same HTML.
"""
from __future__ import annotations

import argparse
from contextlib import contextmanager
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "benchmarks.md"
SECRET = "bench-secret-key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, path: str = "/", seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


# ---------------------------------------------------------------- PostgreSQL for a run

class Postgres:
    """A throwaway PostgreSQL server on loopback (as bin/test starts one)."""

    def __init__(self):
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="klankbord-bench-pg."))
        self.port = free_port()

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def __enter__(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200", "-w", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc):
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _database(server_url: str, name: str) -> str:
    """A new, empty database on the benchmark's PostgreSQL server."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


# ---------------------------------------------------------------- save throughput

PROJECT = "learn"


def _start_project():
    """One project (issue 16): what the benchmark makes goes into it."""
    from webapp.extensions import db
    from webapp.projects.models import Project
    from webapp.projects.scope import set_scope

    project = Project(slug=PROJECT, name_nl="LEARN", name_en="LEARN")
    db.session.add(project)
    db.session.commit()
    set_scope(project, None)
    return project


@contextmanager
def _fresh_app(url: str):
    """The app on `url` with empty tables and the benchmark's project, inside its app context;
    the connections closed afterwards."""
    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET

    app = create_app(BenchConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        _start_project()
        yield app
        db.session.remove()
        db.engine.dispose()


def prepare_app_database(url: str) -> tuple[str, int]:
    """Schema, a facilitator with an API token and one activity; returns (token, activity id)."""
    from datetime import date

    from webapp.activities.services import ActivityInput, PartialDate, save_activity
    from webapp.api.tokens import issue_api_token
    from webapp.auth.services import create_user

    with _fresh_app(url):
        user = create_user("bench@example.test", "Bench", "facilitator", "correct horse battery staple")
        token = issue_api_token(user)
        activity = save_activity(None, ActivityInput(type="ln_meeting", title="National day",
                                                     starts=PartialDate(date(2026, 11, 28), "day")))
        activity_id = activity.id
    return token, activity_id


def _client_process(port: int, path: str, headers: dict, body_of, threads: int, seconds: float, queue) -> None:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], {}
        while time.monotonic() < deadline:
            payload = json.dumps(body_of())
            started = time.perf_counter()
            try:
                connection.request("POST", path, payload, headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, statuses))


def load(port: int, path: str, headers: dict, body_of, clients: int, seconds: float) -> dict:
    """`clients` concurrent keep-alive clients (in 5 processes, so the client is not the limit)."""
    processes, queue = [], multiprocessing.get_context("fork").Queue()
    per = [clients // 5 + (1 if i < clients % 5 else 0) for i in range(5)]
    for threads in per:
        process = multiprocessing.get_context("fork").Process(
            target=_client_process, args=(port, path, headers, body_of, threads, seconds, queue))
        process.start()
        processes.append(process)
    latencies, statuses = [], {}
    for _ in processes:
        part, codes = queue.get()
        latencies += part
        for code, n in codes.items():
            statuses[code] = statuses.get(code, 0) + n
    for process in processes:
        process.join()
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    latencies.sort()
    return {"per_second": ok / seconds, "ok": ok, "errors": sum(statuses.values()) - ok,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0}


def _finding_body(activity_id: int):
    def body() -> dict:
        return {"client_id": str(uuid.uuid4()), "activity_id": activity_id, "kind": "observation", "language": "nl",
                "text": "Werkgevers vragen om taalcoaching op de werkvloer, liefst in kleine groepen."}
    return body


def _bare_body() -> dict:
    return {"client_id": str(uuid.uuid4()), "text": "Werkgevers vragen om taalcoaching op de werkvloer."}


def _serve(kind: str, target: str, url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, PYTHONPATH=str(ROOT))
    if kind == "waitress":
        command = [str(BIN / "waitress-serve"), "--host", "127.0.0.1", "--port", str(port), "--threads", "8", target]
    else:
        command = [str(BIN / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}", target]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, "/healthz" if target == "wsgi:app" else "/")
    return process, port


def _count(url: str, sql: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar()
    engine.dispose()
    return value


def save_benchmark(label: str, url: str, server: str, seconds: float, clients: int = 50) -> dict:
    token, activity_id = prepare_app_database(url)
    # The floor's table made once, before its workers start: four gunicorn workers creating it
    # at the same time on PostgreSQL raced, one failed to boot and gunicorn stopped (all errors).
    subprocess.run([sys.executable, "-c", "import bench.bare_app"], cwd=ROOT, check=True,
                   env=dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT)))
    results = {}
    for name, target, path, headers, body in (
            ("bare", "bench.bare_app:app", "/rows", {"Content-Type": "application/json"}, _bare_body),
            ("klankbord", "wsgi:app", f"/api/v1/projects/{PROJECT}/findings",
             {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, _finding_body(activity_id))):
        process, port = _serve(server, target, url)
        try:
            # Warm-up, not counted, for both: wait_for sees the first worker answer while
            # gunicorn's others may still be importing the app.
            warm = load(port, path, headers, body, clients, 2)
            results[name] = load(port, path, headers, body, clients, seconds)
            results[name]["warm_up_ok"] = warm["ok"]
        finally:
            process.terminate()
            process.wait(timeout=60)
    stored = _count(url, "SELECT count(*) FROM findings")
    distinct = _count(url, "SELECT count(DISTINCT client_id) FROM findings")
    results["klankbord"]["duplicates"] = stored - distinct
    results["klankbord"]["stored_vs_ok"] = stored - results["klankbord"]["ok"] - results["klankbord"]["warm_up_ok"]
    results["ratio"] = results["klankbord"]["per_second"] / results["bare"]["per_second"]
    results["label"] = label
    return results


# ---------------------------------------------------------------- import time

def import_benchmark(runs: int = 5) -> dict:
    code = ("import resource, time; t = time.perf_counter(); import wsgi; wall = time.perf_counter() - t; "
            "import sys; r = resource.getrusage(resource.RUSAGE_SELF); "
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'matplotlib', 'sklearn', 'weasyprint', 'openpyxl', 'docx', 'segno', 'numpy', 'alembic'}); "
            "print(wall, r.ru_utime + r.ru_stime, ','.join(heavy))")
    floor = "import resource, time; t = time.perf_counter(); import flask, sqlalchemy, flask_sqlalchemy; print(time.perf_counter() - t)"
    walls, cpus, floors, heavy = [], [], [], ""
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                             env=dict(os.environ, SECRET_KEY=SECRET)).stdout.split()
        walls.append(float(out[0]))
        cpus.append(float(out[1]))
        heavy = out[2] if len(out) > 2 else ""
        floors.append(float(subprocess.run([sys.executable, "-c", floor], capture_output=True, text=True,
                                           check=True).stdout))
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "floor": statistics.median(floors),
            "heavy": heavy or "none"}


# ---------------------------------------------------------------- unchanged report, whole-process build

def demo_database(tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'demo.db'}"
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, FLASK_APP="wsgi")
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "flask"), "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    return url


def unchanged_report_benchmark(url: str, runs: int = 15) -> dict:
    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.reports.builds import demo_report, start_build

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET
        REPORT_BUILDS_INLINE = True

    app = create_app(BenchConfig)
    times = []
    with app.app_context():
        report = demo_report()
        first = start_build(report, "nl", "pdf", background=False)
        assert first.status == "done", first.error
        for _ in range(runs):
            db.session.expire_all()
            started = time.perf_counter()
            again = start_build(demo_report(), "nl", "pdf")
            times.append(time.perf_counter() - started)
            assert again.id == first.id
        db.session.remove()
    times.sort()
    return {"median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))]}


def whole_process_build_benchmark(url: str, tmp: Path, runs: int = 3) -> dict:
    """`flask report build` (a fresh process: import, collect, render) against the `weasyprint`
    command on the same HTML. A new content each run (the report's title), so nothing is reused."""
    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.reports.pdf import SCHEME, STATIC_ROOT, render_report_html
    from webapp.reports.builds import demo_report
    from webapp.reports.collect import collect_report

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET

    app = create_app(BenchConfig)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, FLASK_APP="wsgi")
    ours, theirs = [], []
    for run in range(runs):
        with app.app_context():
            report = demo_report()
            report.title_nl = f"{report.title_nl.split(' #')[0]} #{run}-{uuid.uuid4().hex[:6]}"
            db.session.commit()
            html_path = tmp / "report.html"
            html = render_report_html(collect_report(report, "nl"))  # our stylesheet and fonts as files
            html_path.write_text(html.replace(SCHEME, STATIC_ROOT.as_uri() + "/"), encoding="utf-8")
            report_id = report.id
            db.session.remove()
        started = time.perf_counter()
        subprocess.run([str(BIN / "flask"), "report", "build", "--report-id", str(report_id), "--lang", "nl",
                        "--out", str(tmp / "ours.pdf")], cwd=ROOT, env=env, check=True, capture_output=True)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        # The same kind of file as ours: tagged PDF/UA-1 (webapp/reports/pdf.py).
        subprocess.run([str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", str(html_path),
                        str(tmp / "theirs.pdf")], check=True, capture_output=True)
        theirs.append(time.perf_counter() - started)
    # Once more after the survey charts' files are gone (the first build after new answers):
    # matplotlib is imported and the charts drawn in the command's process.
    for path in (ROOT / "instance" / "chart-cache").glob("*.svg"):
        path.unlink()
    started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "report", "build", "--report-id", str(report_id), "--lang", "en",
                    "--out", str(tmp / "ours-en.pdf")], cwd=ROOT, env=env, check=True, capture_output=True)
    charts_drawn = time.perf_counter() - started
    return {"ours": statistics.median(ours), "weasyprint": statistics.median(theirs),
            "ratio": statistics.median(ours) / statistics.median(theirs), "charts_drawn": charts_drawn}


# ---------------------------------------------------------------- staff list pages at size

LIST_PAGES = ("/", "/activities/", "/organisations/", "/activities/{activity}/findings", "/analysis/findings",
              "/analysis/findings?q=werkgevers+coordinatie", '/analysis/findings?q="zoeken+coordinatie"',
              "/analysis/evidence", "/review/")


def _fill_lists_database(url: str, size: int) -> int:
    """A fresh database at `url` with `size` findings over 200 (5,000) to 1,000 (50,000)
    activities, 20 themes and size/25 organisations; returns the first activity's id."""
    from datetime import date

    from sqlalchemy import insert, text

    from tests.test_analysis_helpers import bulk_findings
    from webapp.activities.services import ActivityInput, PartialDate, save_activity
    from webapp.auth.services import create_user
    from webapp.extensions import db
    from webapp.organisations.models import Organisation
    from webapp.themes.models import Theme

    with _fresh_app(url):
        create_user("bench@example.test", "Bench", "admin", "correct horse battery staple", locale="en")
        themes = [Theme(code=f"t{n}", theme_group="topic", label_nl=f"Thema {n}", label_en=f"Theme {n}")
                  for n in range(20)]
        db.session.add_all(themes)
        if size >= 25:
            db.session.execute(insert(Organisation), [{"name": f"Organisation {n:04d}", "stakeholder_type": "employer",
                                                       "notes": ""} for n in range(size // 25)])
        db.session.commit()
        activities = [save_activity(None, ActivityInput(type="ln_meeting", title=f"Meeting {n}",
                                                        starts=PartialDate(date(2025, 1 + n % 12, 1), "day")))
                      for n in range(max(1, min(size // 25, 1000)))]
        per = size // len(activities)
        for activity in activities:
            if per:
                bulk_findings(activity, per, themes=themes[:4])
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        first_activity = activities[0].id
    return first_activity


def lists_benchmark(urls: dict[int, str], runs: int = 12) -> dict:
    """Statements per request and p95 of each staff list page, per number of findings (in-process
    test client). The same number of statements at every size is the point."""
    from sqlalchemy import event

    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db

    results: dict = {}
    for size, url in sorted(urls.items()):
        first_activity = _fill_lists_database(url, size)

        class BenchConfig(Config):
            SQLALCHEMY_DATABASE_URI = url
            SECRET_KEY = SECRET
            WTF_CSRF_ENABLED = False

        app = create_app(BenchConfig)
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.test", "password": "correct horse battery staple"})
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        event.listen(engine, "after_cursor_execute", lambda *args: statements.append(args[2]))
        pages = {}
        for path in LIST_PAGES:
            url_path = (f"/p/{PROJECT}" + path).format(activity=first_activity)
            started = time.perf_counter()
            client.get(url_path)  # warm: templates compiled, chart drawn, kept counts made
            first_ms = 1000 * (time.perf_counter() - started)
            times, counts = [], []
            for _ in range(runs):
                statements.clear()
                started = time.perf_counter()
                response = client.get(url_path)
                times.append(time.perf_counter() - started)
                counts.append(len(statements))
                assert response.status_code == 200, (url_path, response.status_code)
            times.sort()
            pages[path] = {"statements": max(counts), "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
                           "median_ms": 1000 * statistics.median(times), "first_ms": first_ms}
        results[size] = pages
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return results


# ---------------------------------------------------------------- a large export as a job

_EXPORT_CHILD = """
import sys, time
from webapp import create_app
from webapp.config import Config
from webapp.extensions import db
from webapp.jobs.exports import export_findings
from webapp.jobs.models import Job
from webapp.jobs.services import enqueue

class BenchConfig(Config):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    SECRET_KEY = "bench"

app = create_app(BenchConfig)
with app.app_context():
    started = time.perf_counter()
    job = enqueue(export_findings, int(sys.argv[2]), "xlsx", "nl", kind="findings_export", inline=True)
    seconds = time.perf_counter() - started
    job = db.session.get(Job, job.id)
    assert job.state == "done", (job.state, job.error)
    print(seconds, len(job.result or b""))
"""


def export_benchmark(url: str, size: int) -> dict:
    """A `size`-finding activity exported to XLSX by the export job, in a process of its own:
    time and peak memory (max RSS) of that process."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    _fill_lists_database(url, 0)  # schema, project, user, one activity
    engine = create_engine(url)
    with engine.begin() as connection:
        activity_id = connection.execute(sql("SELECT min(id) FROM activities")).scalar()
    engine.dispose()
    _add_findings(url, activity_id, size)
    process = subprocess.Popen([sys.executable, "-c", _EXPORT_CHILD, url, str(activity_id)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    assert status == 0, output
    seconds, size_bytes = output.split()
    return {"findings": size, "seconds": float(seconds), "bytes": int(size_bytes),
            "max_rss_mb": usage.ru_maxrss / 1024}


def _add_findings(url: str, activity_id: int, count: int) -> None:
    from webapp import create_app
    from webapp.activities.models import Activity
    from webapp.config import Config
    from webapp.extensions import db
    from tests.test_analysis_helpers import bulk_findings

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = SECRET

    app = create_app(BenchConfig)
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        text = ("Werkgevers vragen om taalcoaching op de werkvloer, liefst in kleine groepen en met een vaste "
                "begeleider die de statushouder en het team kent; gemeenten willen dat ook betalen. ")
        for start in range(0, count, 5000):
            bulk_findings(activity, min(5000, count - start), text=text)
        db.session.remove()
        db.engine.dispose()


def _save_figure(figure, name: str) -> str:
    """Write a plot next to docs/benchmarks.md; its file name, for the Markdown."""
    import matplotlib.pyplot as plt

    figure.tight_layout()
    figure.savefig(ROOT / "docs" / name, dpi=110)
    plt.close(figure)
    return name


def plot_lists(results: dict, results_pg: dict | None = None) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 3.6))
    for label, per_size, style in (("SQLite", results, "-"), ("PostgreSQL", results_pg or {}, "--")):
        sizes = sorted(per_size)
        for number, path in enumerate(LIST_PAGES):
            if sizes:
                axes.plot(sizes, [per_size[size][path]["p95_ms"] for size in sizes], style, marker="o",
                          color=f"C{number}", label=f"{path[:34]} ({label})")
    axes.set_xlabel("findings in the database")
    axes.set_ylabel("p95 per request (ms)")
    axes.set_xscale("log")
    axes.legend(fontsize=5, loc="upper left", ncol=2)
    return _save_figure(figure, "benchmarks-lists.png")


# ---------------------------------------------------------------- output

def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GB RAM" if found else ""
    return f"{platform.machine()}, {cpus} CPUs ({model}){memory}, Python {platform.python_version()}"


def markdown(results: dict, seconds: float) -> str:
    lines = ["<!-- scale:begin -->", "## At national size (`bench/run`, issue 17)", "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}.",
             "A small 2-CPU machine: the load generator of the save runs shares the two CPUs with the",
             "servers, so absolute numbers are low; each result is therefore set against a floor measured in",
             "the same run, under the same conditions.", ""]
    saves = [r for key, r in results.items() if key.startswith("save")]
    if saves:
        lines += [f"### Saving findings through the API: 50 concurrent clients, {seconds:g} s each", "",
                  "| database / server | Klankbord saves/s | bare insert/s | **ratio** (target ≥ 0.5) | p95 Klankbord / bare | errors | duplicates |",
                  "|---|---|---|---|---|---|---|"]
        for r in saves:
            k, b = r["klankbord"], r["bare"]
            lines.append(f"| {r['label']} | {k['per_second']:.0f} | {b['per_second']:.0f} | **{r['ratio']:.2f}** | "
                         f"{k['p95_ms']:.0f} ms / {b['p95_ms']:.0f} ms | {k['errors']} | {k['duplicates']} |")
        lines += ["", "The floor is `bench/bare_app.py`: one Flask view that inserts one row through SQLAlchemy Core "
                  "in the same database, served by the same server.", ""]
    if "import" in results:
        r = results["import"]
        lines += ["### Start-up", "", "| what | result |", "|---|---|",
                  f"| `import wsgi`, fresh interpreter (median of 5) | {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU (target ≤ 0.5 s) |",
                  f"| floor: `import flask, sqlalchemy, flask_sqlalchemy` | {r['floor']:.2f} s wall |",
                  f"| heavy libraries loaded by `import wsgi` | {r['heavy']} |", ""]
    if "unchanged" in results:
        r = results["unchanged"]
        lines += ["### An unchanged report asked for again (demo report)", "",
                  f"Median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms (target < 50 ms): the stored version is "
                  "found by the data counter (`webapp/data_version.py`) without collecting the report.", ""]
    if "build" in results:
        r = results["build"]
        lines += ["### `flask report build` as a whole process", "",
                  f"Demo report (Dutch PDF): {r['ours']:.2f} s for `flask report build` (start-up, collect, render, "
                  f"store) against {r['weasyprint']:.2f} s for the `weasyprint` command on the same HTML: "
                  f"**ratio {r['ratio']:.2f}** (target ≤ 1.3; the issue measured 1.97 before the lazy imports). "
                  f"The survey charts were drawn before and are read from their files (`webapp/charts.py`); the "
                  f"first build after survey answers change draws them in the command's process: "
                  f"{r['charts_drawn']:.2f} s for the English PDF with its charts drawn.", ""]
    for key, title in (("lists", "SQLite"), ("lists-pg", "PostgreSQL")):
        if key not in results:
            continue
        sizes = sorted(results[key])
        lines += [f"### Staff list pages, {title} (in-process, 12 requests each after a warm-up; target at 50,000 "
                  "on PostgreSQL: p95 < 150 ms, statements constant)", "",
                  "| page | " + " | ".join(f"statements @ {n:,}" for n in sizes) + " | "
                  + " | ".join(f"p95 @ {n:,}" for n in sizes) + " | "
                  + " | ".join(f"first view @ {n:,}" for n in sizes) + " |",
                  "|---|" + "---|" * (3 * len(sizes))]
        for path in LIST_PAGES:
            row = [results[key][n][path] for n in sizes]
            lines.append(f"| `{path}` | " + " | ".join(str(r["statements"]) for r in row) + " | "
                         + " | ".join(f"{r['p95_ms']:.0f} ms" for r in row) + " | "
                         + " | ".join(f"{r.get('first_ms', 0):.0f} ms" for r in row) + " |")
        lines.append("")
    if "lists" in results:
        lines += ["The evidence page, the dashboard's theme counts and the findings browser's total are kept per "
                  "process until the data counter moves (`cached_until_data_changes`): their p95 is of reads after "
                  "the first. The first view (last columns: the warm-up request, also the first of its process) "
                  "pays the SQL: the evidence matrix and a search's total read every matching finding.", ""]
    if results.get("lists_plot"):
        lines += [f"![p95 per page against the number of findings]({results['lists_plot']})", ""]
    if "export" in results:
        r = results["export"]
        lines += ["### A large XLSX export as a job", "",
                  f"{r['findings']:,} findings of one activity exported to XLSX by the export job in a process of "
                  f"its own: {r['seconds']:.1f} s, {r['bytes'] / 1e6:.1f} MB file, peak memory (max RSS) "
                  f"{r['max_rss_mb']:.0f} MB.", ""]
    if results.get("plot"):
        lines += [f"![{results['plot_alt']}]({results['plot']})", ""]
    lines.append("<!-- scale:end -->")
    return "\n".join(lines)


def write_doc(block: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if "<!-- scale:begin -->" in text:
        text = re.sub(r"<!-- scale:begin -->.*?<!-- scale:end -->", lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def plot(results: dict) -> str | None:
    """Throughput per server as bars, Klankbord against the floor (docs/benchmarks-save.png)."""
    saves = [r for key, r in results.items() if key.startswith("save")]
    if not saves:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 2.8))
    labels = [r["label"] for r in saves]
    positions = range(len(saves))
    axes.barh([p + 0.2 for p in positions], [r["bare"]["per_second"] for r in saves], height=0.4,
              label="bare insert (floor)", color="#bbbbbb")
    axes.barh([p - 0.2 for p in positions], [r["klankbord"]["per_second"] for r in saves], height=0.4,
              label="Klankbord API", color="#0b6e6e")
    axes.set_yticks(list(positions), labels=labels)
    axes.set_xlabel("saved findings per second (50 concurrent clients)")
    axes.legend(loc="lower right", fontsize=8)
    return _save_figure(figure, "benchmarks-save.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="load per save run (default 10)")
    parser.add_argument("--only", choices=["save", "import", "unchanged", "build", "lists", "export"], action="append")
    parser.add_argument("--sizes", default="5000,50000", help="findings for the list pages (default 5000,50000)")
    parser.add_argument("--export-size", type=int, default=50000, help="findings in the XLSX export (default 50000)")
    parser.add_argument("--write", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    only = set(args.only or ["save", "import", "unchanged", "build", "lists", "export"])
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="klankbord-bench.") as tmp_name:
        tmp = Path(tmp_name)
        if "import" in only:
            results["import"] = import_benchmark()
            print("import", results["import"], flush=True)
        if only & {"unchanged", "build"}:
            url = demo_database(tmp)
            if "unchanged" in only:
                results["unchanged"] = unchanged_report_benchmark(url)
                print("unchanged", results["unchanged"], flush=True)
            if "build" in only:
                results["build"] = whole_process_build_benchmark(url, tmp)
                print("build", results["build"], flush=True)
        if "lists" in only:
            sizes = [int(n) for n in args.sizes.split(",")]
            results["lists"] = lists_benchmark({n: f"sqlite:///{tmp / f'lists-{n}.db'}" for n in sizes})
            with Postgres() as url:
                results["lists-pg"] = lists_benchmark({n: _database(url, f"lists_{n}") for n in sizes})
            for key in ("lists", "lists-pg"):
                for size, pages in results[key].items():
                    print(key, size, {path: (r["statements"], round(r["p95_ms"])) for path, r in pages.items()},
                          flush=True)
        if "export" in only:
            results["export"] = export_benchmark(f"sqlite:///{tmp / 'export.db'}", args.export_size)
            print("export", results["export"], flush=True)
        if "save" in only:
            results["save-sqlite"] = save_benchmark("SQLite + Waitress (8 threads)", f"sqlite:///{tmp / 'save.db'}",
                                                    "waitress", args.seconds)
            print("save sqlite", results["save-sqlite"], flush=True)
            with Postgres() as url:
                results["save-pg"] = save_benchmark("PostgreSQL + gunicorn (4 workers)", url, "gunicorn", args.seconds)
            print("save postgresql", results["save-pg"], flush=True)
    if args.write:
        if "lists" in results:
            results["lists_plot"] = plot_lists(results["lists"], results.get("lists-pg"))
        name = plot(results)
        if name:
            results.update(plot=name, plot_alt="Saved findings per second, Klankbord against the bare floor")
        write_doc(markdown(results, args.seconds))
        print(f"written to {DOC}")


if __name__ == "__main__":
    main()
