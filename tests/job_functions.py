"""Module-level job functions for tests/test_jobs.py (a worker process imports them by name)."""
import time

from webapp.jobs.services import JobResult, set_progress


def make_file(text: str) -> JobResult:
    set_progress(40)
    return JobResult(text.encode(), "hello.txt", "text/plain")


def fail() -> None:
    raise RuntimeError("boom")


def sleep_forever() -> None:
    set_progress(10)
    time.sleep(600)
