"""Logs never hold user text: an exception's message is replaced by its type (and field).

Exception messages often quote the data that caused them (openpyxl's IllegalCharacterError
repeats the cell, a database error the parameters), and what people said must stay out of
the logs. `install()` wraps Python's log record factory once per process, so every record
with `exc_info` — whichever logger, handler or formatter — carries a traceback of file,
line and function names and exception types only. The record's own message is ours:
log lines name endpoints and ids, never user text.
"""
from __future__ import annotations

import logging
import traceback

_INSTALLED = "_klankbord_private_logs"


def private_traceback(error: BaseException) -> str:
    """The traceback of `error` (and its causes) without any exception message."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        field = getattr(current, "field", None)
        described = type(current).__name__ + (f" (field {field})" if isinstance(field, str) else "")
        parts.append(f"Traceback (most recent call last):\n{frames}{described}: [message withheld: may hold user text]")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n\nCaused by / during handling of:\n".join(reversed(parts))


def install() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = private_traceback(record.exc_info[1])
            record.exc_info = None  # formatters now print exc_text as it is
        return record

    setattr(factory, _INSTALLED, True)
    logging.setLogRecordFactory(factory)
