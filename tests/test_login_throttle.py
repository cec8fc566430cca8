"""Login throttling: per account and per client address, in memory or in Redis."""
import time
import types

import limits.storage.memory
import pytest

import webapp.auth.throttle
from webapp import create_app
from webapp.auth.services import create_user
from webapp.config import TestConfig
from webapp.extensions import db

from .conftest import PASSWORD, IsolatedClient

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

EMAIL = "admin@example.test"


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock (memory storage), moved forward by the test instead of waiting."""
    shifted = types.SimpleNamespace(offset=0.0)
    moved = types.SimpleNamespace(time=lambda: time.time() + shifted.offset, sleep=time.sleep)
    monkeypatch.setattr(limits.storage.memory, "time", moved)
    monkeypatch.setattr(webapp.auth.throttle, "time", moved)  # the waits it computes from the storage's expiries
    return shifted


def _login(client, password, email=EMAIL, address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_ten_wrong_passwords_from_one_place_stop_that_place_not_the_owner(app, client, clock):
    create_user(EMAIL, "Admin", "admin", PASSWORD)
    for attempt in range(10):
        assert _login(client, f"wrong {attempt}", address="198.51.100.7").status_code == 303  # refused: back to the form
    refused = _login(client, "wrong again", address="198.51.100.7")
    assert refused.status_code == 429
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw." in refused.get_data(as_text=True)
    right = _login(client, PASSWORD, address="198.51.100.7")
    assert right.status_code == 429 and client.get("/users/").status_code == 302  # that place: not until the wait ends
    # The owner, from where they work, is not locked out by someone guessing elsewhere.
    owner = app.test_client()
    assert _login(owner, PASSWORD, address="192.0.2.10").status_code == 302
    assert owner.get("/users/").status_code == 200
    clock.offset = 15 * 60 + 1
    assert _login(client, PASSWORD, address="198.51.100.7").status_code == 302


def test_guessing_from_many_places_is_slowed_by_growing_waits_never_locked(app, client, clock):
    create_user(EMAIL, "Admin", "admin", PASSWORD)
    for attempt in range(30):  # from as many addresses: no single place reaches its limit
        assert _login(client, f"wrong {attempt}", address=f"192.0.2.{attempt + 1}").status_code == 303
    waits = []
    for attempt in range(8):
        refused = _login(client, PASSWORD, address="198.51.100.99")  # even the right password waits its turn
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.offset += waits[-1] + 0.5
        assert _login(client, "still guessing", address=f"203.0.113.{attempt + 1}").status_code == 303
    assert waits == sorted(waits) and waits[0] <= 2 and waits[-1] <= 60 and waits[-1] > waits[0]
    # Once the wait is over, the owner gets in: a delay, not a lock-out of fifteen minutes.
    clock.offset += 61
    assert _login(client, PASSWORD, address="198.51.100.99").status_code == 302


def test_a_password_reset_lifts_the_wait(app, client, clock):
    from webapp.auth.services import choose_password, password_token

    user = create_user(EMAIL, "Admin", "admin", PASSWORD)
    for attempt in range(10):
        _login(client, f"wrong {attempt}")
    assert _login(client, PASSWORD).status_code == 429
    assert choose_password(password_token(user, "reset"), "a brand new passphrase") is not None
    assert _login(client, "a brand new passphrase").status_code == 302


def test_one_address_trying_many_accounts_is_throttled(app, client, clock):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "5 per 15 minutes"
    create_user(EMAIL, "Admin", "admin", PASSWORD)
    for n in range(5):
        assert _login(client, "wrong", email=f"user{n}@example.test").status_code == 303  # refused: back to the form
    assert _login(client, PASSWORD).status_code == 429
    assert _login(client, PASSWORD, address="192.0.2.200").status_code == 302  # another address is not


def test_successful_logins_do_not_count(app, client, clock):
    create_user(EMAIL, "Admin", "admin", PASSWORD)
    for _ in range(35):
        assert _login(client, PASSWORD).status_code == 302
        client.post("/logout")


def test_an_unknown_address_takes_as_long_as_a_known_one(app, client):
    create_user(EMAIL, "Admin", "admin", PASSWORD)
    _login(client, "warm up", email="nobody@example.test")  # the dummy hash is made once

    def duration(email):
        start = time.perf_counter()
        for _ in range(3):
            assert _login(client, "wrong password", email=email).status_code == 303  # refused: back to the form
        return time.perf_counter() - start

    known, unknown = duration(EMAIL), duration("nobody@example.test")
    assert unknown > known * 0.5  # same order: both hash a password (without it: ~30x faster)


# ---------------------------------------------------------------- Redis (several web processes)

def test_with_redis_every_web_process_counts_the_same_attempts(tmp_path, redis_url):
    """Two apps stand for two web processes: one Redis, one count."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    class RedisConfig(TestConfig):
        RATELIMIT_STORAGE_URI = redis_url
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'throttle.db'}"  # about Redis, not the database

    first, second = create_app(RedisConfig), create_app(RedisConfig)
    with first.app_context():
        db.create_all()
        create_user(EMAIL, "Admin", "admin", PASSWORD)
    for other in (first, second):
        other.test_client_class = IsolatedClient
    for n in range(5):
        assert _login(first.test_client(), f"wrong {n}").status_code == 303  # refused: back to the form
        assert _login(second.test_client(), f"wrong {n}").status_code == 303  # refused: back to the form
    assert _login(first.test_client(), PASSWORD).status_code == 429
    assert _login(second.test_client(), PASSWORD).status_code == 429
    assert any(b"klankbord-login-pair" in key for key in redis.Redis.from_url(redis_url).keys("*"))
    restarted = create_app(RedisConfig)  # a process started later (memory:// would start from zero)
    restarted.test_client_class = IsolatedClient
    assert _login(restarted.test_client(), PASSWORD).status_code == 429
    for other in (first, second, restarted):
        with other.app_context():
            db.engine.dispose()


def test_without_redis_logins_still_work_and_are_still_counted(tmp_path):
    """Redis down: each process counts in memory until it is back; no login page fails."""
    class DownConfig(TestConfig):
        RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"  # nothing listens there
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'down.db'}"
        LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = 3

    app = create_app(DownConfig)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        create_user(EMAIL, "Admin", "admin", PASSWORD)
    client = app.test_client()
    for n in range(3):
        assert _login(client, f"wrong {n}").status_code == 303  # refused: back to the form
    assert _login(client, PASSWORD).status_code == 429
    with app.app_context():
        db.engine.dispose()
    # The limiter is one object for every app of the test run and remembers "storage dead":
    # later apps would count in this fallback until a retry flips back, halfway through a test.
    from webapp.extensions import limiter

    limiter._storage_dead = False


class BehindProxyConfig(TestConfig):
    TRUSTED_PROXIES = 1
    LOGIN_LIMIT_PER_ADDRESS = "5 per 15 minutes"


class NoProxyConfig(BehindProxyConfig):
    TRUSTED_PROXIES = 0


def _login_via(client, forwarded_for, email="nobody@example.test", address="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": "wrong"},
                       environ_base={"REMOTE_ADDR": address}, headers={"X-Forwarded-For": forwarded_for})


@pytest.fixture
def app_with(clock):
    """An app of the given configuration, its tables made and its limiter storage its own."""
    made = []

    def make(config):
        app = create_app(config)
        context = app.app_context()
        context.push()
        db.create_all()
        made.append(context)
        return app

    yield make
    for context in made:
        db.session.remove()
        context.pop()


def test_behind_the_proxy_each_client_address_has_its_own_login_limit(app_with):
    client = app_with(BehindProxyConfig).test_client()
    for n in range(5):
        assert _login_via(client, "203.0.113.5", email=f"u{n}@example.test").status_code == 303
    assert _login_via(client, "203.0.113.5").status_code == 429
    # Another person behind the same proxy is not locked out by the first one.
    assert _login_via(client, "203.0.113.6").status_code == 303


def test_without_a_proxy_a_forged_forwarded_address_does_not_escape_the_limit(app_with):
    client = app_with(NoProxyConfig).test_client()
    for n in range(5):
        assert _login_via(client, f"198.51.100.{n}", email=f"u{n}@example.test", address="192.0.2.77").status_code == 303
    assert _login_via(client, "198.51.100.99", address="192.0.2.77").status_code == 429
