"""Login throttling that protects the owner too (issue 23).

Three counts of *failed* logins, after OWASP's authentication cheat sheet (a hard lock-out
per account lets anyone lock out anyone whose address they know):

1. per account *and* client address (`LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS` in
   `LOGIN_WINDOW_SECONDS`): past it, that address may not try that account until the window
   ends - the person guessing is stopped, the owner elsewhere is not;
2. per client address over all accounts (`LOGIN_LIMIT_PER_ADDRESS`, Flask-Limiter on the
   view): one place trying many accounts;
3. per account over all addresses: past `LOGIN_DELAYS_AFTER` failures in the window, each
   further failure makes the account wait a little longer before the next try (1, 2, 4 ...
   seconds, at most `LOGIN_MAX_DELAY_SECONDS`): distributed guessing is slowed, never turned
   into a lock-out of the owner.

A successful login or password reset lifts all three for that account. The counts live in
the limiter's storage (memory, or Redis shared by every web process), through the `limits`
storage API; if Redis is down, a process counts in its own memory until it is back.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app
from limits.storage import MemoryStorage

from ..extensions import limiter

_fallback = MemoryStorage()


def _storage_call(method: str, *args):
    """`method` on the limiter's storage; on a storage that fails (Redis down), on this
    process's own memory, so a login page never fails for want of a counter."""
    try:
        return getattr(limiter.storage, method)(*args)
    except Exception:  # noqa: BLE001 - any storage failure: count locally instead
        return getattr(_fallback, method)(*args)


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _generation(account: str) -> int:
    """Moves on a successful login or reset, so every (account, address) count starts again
    without having to find the addresses."""
    return int(_storage_call("get", f"klankbord-login-generation:{account}") or 0)


def _keys(email: str, address: str) -> tuple[str, str, str]:
    account = _account(email)
    pair = f"klankbord-login-pair:{account}:{_generation(account)}:{address}"
    return pair, f"klankbord-login-account:{account}", f"klankbord-login-wait:{account}"


def _config(name: str) -> int:
    return int(current_app.config[name])


def seconds_to_wait(email: str, address: str) -> int:
    """0 when this address may try this account now; else the seconds until it may."""
    pair, _account_key, wait = _keys(email, address)
    now = time.time()
    waits = []
    if int(_storage_call("get", pair) or 0) >= _config("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"):
        waits.append(_storage_call("get_expiry", pair) - now)
    if int(_storage_call("get", wait) or 0) > 0:
        waits.append(_storage_call("get_expiry", wait) - now)
    return max(0, math.ceil(max(waits))) if waits else 0


def record_failure(email: str, address: str) -> None:
    pair, account_key, wait = _keys(email, address)
    window = _config("LOGIN_WINDOW_SECONDS")
    _storage_call("incr", pair, window)
    failures = _storage_call("incr", account_key, window)
    beyond = failures - _config("LOGIN_DELAYS_AFTER")
    if beyond >= 0:
        delay = min(2 ** min(beyond, 16), _config("LOGIN_MAX_DELAY_SECONDS"))
        _storage_call("clear", wait)
        _storage_call("incr", wait, delay)


def lift(email: str) -> None:
    """A successful login or password reset: the account's counts start from zero."""
    account = _account(email)
    _storage_call("incr", f"klankbord-login-generation:{account}", 366 * 24 * 3600)
    _storage_call("clear", f"klankbord-login-account:{account}")
    _storage_call("clear", f"klankbord-login-wait:{account}")
