"""Password rules, one place for every way a password is set (user admin, account page, CLI).

Long enough, not the e-mail address, not one of the passwords every guessing list starts
with (`common_passwords.txt`). Length beats composition rules (NIST SP 800-63B).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..i18n import _

MIN_LENGTH = 10
MAX_LENGTH = 200
_TRAILING = re.compile(r"[\d\W_]+$")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    lines = (Path(__file__).with_name("common_passwords.txt").read_text(encoding="utf-8")).splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """A translated reason why `password` may not be used, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("A password needs at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("A password can have at most %(n)s characters.", n=MAX_LENGTH)
    lowered = password.lower()
    email = (email or "").strip().lower()
    local_part = email.split("@", 1)[0]
    if email and (email in lowered or (len(local_part) >= 4 and local_part in lowered)):
        return _("A password may not contain your e-mail address.")
    stripped = _TRAILING.sub("", lowered)
    if lowered in _common() or stripped in _common() or len(set(lowered)) <= 2:
        return _("This password is on the lists attackers try first. Choose another one, for example a few unrelated words.")
    return None
