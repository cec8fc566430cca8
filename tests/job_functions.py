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


def purge_and_die(steps: int) -> None:
    """The retention purge in a worker process that is killed (SIGKILL) after `steps` steps."""
    import os
    import signal

    from webapp.privacy.purge import purge

    purge(on_step=lambda done: done >= steps and os.kill(os.getpid(), signal.SIGKILL))
