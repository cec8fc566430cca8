"""Photo uploads through the API at 20 concurrent clients (issue 26).

    .venv/bin/python bench/photos.py            results on stdout
    .venv/bin/python bench/photos.py --write    ... and into docs/benchmarks.md

As production runs it (docs/deploy.md): PostgreSQL, gunicorn with 4 workers, Redis and one
`flask worker` making the thumbnails; all started here on loopback and stopped afterwards.
Each of 20 clients sends its photos one after another (a ~4 MB camera JPEG, 4000 x 3000, with
EXIF and GPS), each with a client_id of its own, multipart to POST /api/v1/projects/<slug>/photos.
Counted: answers that are not 201 (errors), rows against distinct client_ids (duplicates),
files in the store (each photo and its thumbnail), EXIF left in a stored file (read with
Pillow). Server CPU per photo is the CPU time the web processes (check, strip, re-encode,
store) and the job worker (thumbnail) used during the run, read from /proc, divided by the
photos stored.
"""
from __future__ import annotations

import argparse
import http.client
import io
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import (BIN, DOC, PROJECT, ROOT, SECRET, Postgres, _count, _database, free_port,  # noqa: E402
                   prepare_app_database, wait_for)

CLIENTS = 20
TARGET_BYTES = 4 * 1024 * 1024


def camera_photo() -> bytes:
    """A 4000 x 3000 JPEG of about 4 MB: noise over a gradient (a photo's detail), EXIF with GPS."""
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.photo_files import GPS_IFD

    random.seed(26)
    width, height = 4000, 3000
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 60).convert("RGB")
    image = Image.blend(base, noise, 0.5)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 12 Pro"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 5.0, 17.5), "E", (4.0, 53.0, 42.1)
    best = b""
    for quality in range(70, 100, 2):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
        best = out.getvalue()
        if len(best) >= TARGET_BYTES * 0.95:
            break
    return best


def multipart(fields: dict[str, str], content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG_0001.jpg"\r\n'
                 f'Content-Type: image/jpeg\r\n\r\n'.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes, and of their children already waited for (RQ's work horses)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def upload_all(port: int, token: str, activity_id: int, photo: bytes, clients: int, each: int) -> dict:
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for _ in range(each):
            body, content_type = multipart({"client_id": str(uuid.uuid4()), "activity_id": str(activity_id)}, photo)
            started = time.perf_counter()
            try:
                connection.request("POST", f"/api/v1/projects/{PROJECT}/photos", body,
                                   {"Content-Type": content_type, "Authorization": f"Bearer {token}"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"statuses": statuses, "elapsed": elapsed, "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))], "sent": len(latencies)}


def run(each: int) -> dict:
    photo = camera_photo()
    with Postgres() as server, tempfile.TemporaryDirectory() as files:
        url = _database(server, "klankbord_photos")
        token, activity_id = prepare_app_database(url)
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL)
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, PYTHONPATH=str(ROOT),
                   REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", KLANKBORD_PHOTO_PATH=files, FLASK_APP="wsgi")
        port = free_port()
        web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}",
                                "--timeout", "300", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        worker = subprocess.Popen([str(BIN / "flask"), "worker"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, "/healthz")
            warm = upload_all(port, token, activity_id, photo, 8, 1)  # every worker has loaded Pillow
            _wait_for_jobs(url)
            web_pids = [web.pid, *children(web.pid)]
            before_web, before_worker = cpu_seconds(web_pids), cpu_seconds([worker.pid])
            result = upload_all(port, token, activity_id, photo, CLIENTS, each)
            upload_cpu = cpu_seconds(web_pids) - before_web
            waited = _wait_for_jobs(url)
            worker_cpu = cpu_seconds([worker.pid]) - before_worker
        finally:
            for process in (web, worker, redis):
                process.send_signal(signal.SIGTERM)
            for process in (web, worker, redis):
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
        stored = _count(url, "SELECT count(*) FROM photos")
        distinct = _count(url, "SELECT count(DISTINCT client_id) FROM photos")
        thumbnails = _count(url, "SELECT count(*) FROM photos WHERE thumbnail_key IS NOT NULL")
        file_count = len(os.listdir(files))
        exif_left = _exif_left(files)
    ok = result["statuses"].get(201, 0)
    new = stored - warm["statuses"].get(201, 0)
    return {"photo_bytes": len(photo), "sent": result["sent"], "ok": ok,
            "errors": result["sent"] - ok, "statuses": result["statuses"], "duplicates": stored - distinct,
            "stored_vs_ok": new - ok, "files": file_count, "photos": stored, "thumbnails": thumbnails,
            "exif_left": exif_left, "elapsed": result["elapsed"], "per_second": ok / result["elapsed"],
            "p50_s": result["p50"], "p95_s": result["p95"], "web_cpu_per_photo": upload_cpu / max(ok, 1),
            "worker_cpu_per_photo": worker_cpu / max(ok, 1), "thumbnails_waited_s": waited}


def _wait_for_jobs(url: str, limit: float = 600) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if _count(url, "SELECT count(*) FROM jobs WHERE kind = 'photo_thumbnail' AND state IN ('queued', 'running')") == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError("thumbnail jobs did not finish")


def _exif_left(folder: str) -> int:
    from PIL import Image

    left = 0
    for name in os.listdir(folder):
        with Image.open(Path(folder) / name) as image:
            left += bool(dict(image.getexif())) or "exif" in image.info
    return left


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def markdown(r: dict) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"""<!-- photos:begin -->
## Photo uploads through the API (`bench/photos.py`, issue 26)

Measured {when} on {machine()}. PostgreSQL, gunicorn (4 workers), Redis and one
`flask worker` for the thumbnails, on this machine; the 20 clients share its two CPUs with them.
Each client sent its photos one after another: a {r['photo_bytes'] / 1024 / 1024:.1f} MB camera JPEG
(4000 × 3000, EXIF with GPS), each under a client_id of its own.

| Measure | Result |
|---|---|
| Photos sent (20 clients) | {r['sent']} |
| Stored (201) | {r['ok']} |
| **Errors** (any other answer) | **{r['errors']}** |
| Duplicates (rows − distinct client_ids) | {r['duplicates']} |
| Files in the store (photo + thumbnail each) | {r['files']} for {r['photos']} photos (with the 8 sent first to warm the workers) |
| Stored files with EXIF left (read with Pillow) | {r['exif_left']} |
| Throughput | {r['per_second']:.1f} photos/s ({r['elapsed']:.0f} s in all) |
| Answer time, median / p95 | {r['p50_s']:.1f} s / {r['p95_s']:.1f} s |
| **Server CPU per photo, web** (read, check, strip, reduce to 2,560 px, re-encode, store) | **{r['web_cpu_per_photo'] * 1000:.0f} ms** |
| **Server CPU per photo, job worker** (thumbnail) | **{r['worker_cpu_per_photo'] * 1000:.0f} ms** |

The web CPU is almost all Pillow: decoding 12 million pixels and resampling them (a JPEG is
decoded at full size when the long side, 4,000, is under twice the target's), then encoding the
2,560-pixel JPEG. From the capture screen a photo arrives already reduced on the tablet, which
costs the server far less. Run it again with `.venv/bin/python bench/photos.py --write`.
<!-- photos:end -->"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--each", type=int, default=5, help="photos per client")
    args = parser.parse_args()
    result = run(args.each)
    print(result)
    text = markdown(result)
    print(text)
    if args.write:
        doc = DOC.read_text()
        if "<!-- photos:begin -->" in doc:
            doc = re.sub(r"<!-- photos:begin -->.*?<!-- photos:end -->", lambda _m: text, doc, flags=re.S)
        else:
            doc = doc.replace("<!-- scale:begin -->", text + "\n\n<!-- scale:begin -->", 1)
        DOC.write_text(doc)


if __name__ == "__main__":
    main()
