"""Compiled templates kept as files in `instance/template-cache/`, so that a new process (a
CLI command, a job worker, a web worker after a restart) does not compile them again.

Compiling the report's own template took 0.13 s of every `flask report build` (issue 17);
read back from its file it takes 2 ms. Jinja names each file after the template and checks
the template source's checksum when reading it, so an edited template is compiled anew and
its file replaced (files are written whole, then renamed into place).

Compiled code also depends on the environment's settings (extensions, policies such as
`ext.i18n.trimmed`, `finalize`, delimiters), which the source's checksum does not see: they
are added to it here, so changing a setting compiles every template anew instead of running
old code. The PDF environment (`reports/pdf.py`, `finalize=breakable`) keeps its files in a
folder of its own, so the two never replace each other's files.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import jinja2
from jinja2 import FileSystemBytecodeCache


class SettingsAwareBytecodeCache(FileSystemBytecodeCache):
    """A file per template whose checksum covers the source and the environment's settings."""

    def get_bucket(self, environment, name, filename, source):
        return super().get_bucket(environment, name, filename, source + "\0" + settings_fingerprint(environment))

    def dump_bytecode(self, bucket) -> None:
        # A cache must never cost a page: a full disk or a read-only folder leaves the
        # template compiled in memory, as without the cache.
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            logging.getLogger(__name__).warning("compiled template not kept: %s", type(error).__name__)


def settings_fingerprint(environment: jinja2.Environment) -> str:
    """What, besides the source, decides the code Jinja compiles a template into."""
    def named(value) -> str:
        return getattr(value, "__qualname__", None) or repr(value)

    settings = [
        jinja2.__version__, sorted(environment.extensions), sorted((k, named(v)) for k, v in environment.policies.items()),
        named(environment.finalize), named(environment.autoescape), environment.trim_blocks,
        environment.lstrip_blocks, environment.keep_trailing_newline, environment.newline_sequence,
        environment.block_start_string, environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix, environment.optimized,
        environment.is_async,
    ]
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def compiled_template_cache(app, environment_name: str = "web") -> FileSystemBytecodeCache | None:
    """A cache for one Jinja environment of `app`, or None when `TEMPLATE_FILE_CACHE` is off."""
    if not app.config["TEMPLATE_FILE_CACHE"]:
        return None
    folder = Path(app.instance_path) / "template-cache" / environment_name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # code that is run: only ours to write
    except OSError:  # a read-only instance folder: templates are compiled in memory, as before
        return None
    return SettingsAwareBytecodeCache(str(folder))
