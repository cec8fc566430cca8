"""URL rules that compile their URL builders when first used.

Werkzeug compiles two small Python functions per rule (to build its URLs) when the rule is
added: with ~190 rules that was the largest single cost of starting the app (about a fifth
of `import wsgi`; issue 17 wants start-up under half a second, for every CLI command, worker
and test run). Most processes build URLs for a handful of rules, so the builder is compiled
on first use instead, by Werkzeug's own `_compile_builder`. Matching URLs is not affected.
Hand-written, because Werkzeug has no switch for it; Werkzeug is pinned, and every page
render in the test suite goes through this path.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.routing import Rule


def safe_next(target: str | None, default: str) -> str:
    """Where a `next` field or parameter may send the user: a path on this site, else `default`.

    No scheme or host, no `//` or backslash (browsers read a slash and a backslash as `//`,
    another site), no control characters (browsers drop a tab, which can turn slash, tab,
    slash into `//`). Werkzeug quotes such characters in a redirect today; this does not rely on it.
    """
    target = target or ""
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build_on_first_use(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build_on_first_use
