"""A word-level difference of two texts, as plain data: the finding conflict screen and the
review's "what changed" page show it (templates escape every piece)."""
from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level difference as (op, text) pairs, op "equal", "insert" or "delete".

    Plain data: the template escapes every piece (no markup is built from user text here).
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    result: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                result.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                result.append(("insert", "".join(b[j1:j2])))
    return result
