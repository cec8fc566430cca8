"""Compiled templates kept as files in `instance/template-cache/`, so that a new process (a
CLI command, a job worker, a web worker after a restart) does not compile them again.

Compiling the report's own template took 0.13 s of every `flask report build` (issue 17);
read back from its file it takes 2 ms. Jinja names each file after the template and checks
the template source's checksum when reading it, so an edited template is compiled anew and
its file replaced (files are written whole, then renamed into place).

Compiled code depends on the environment's settings: the PDF environment adds `finalize`
(`reports/pdf.py`), so it keeps its files in a folder of its own. Code compiled for one must
never be run by the other.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache


def compiled_template_cache(app, environment_name: str = "web") -> FileSystemBytecodeCache | None:
    """A cache for one Jinja environment of `app`, or None when `TEMPLATE_FILE_CACHE` is off."""
    if not app.config.get("TEMPLATE_FILE_CACHE", True):
        return None
    folder = Path(app.instance_path) / "template-cache" / environment_name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # code that is run: only ours to write
    return FileSystemBytecodeCache(str(folder))
