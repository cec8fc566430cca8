"""Configuration, read from the environment.

Secrets never live in the code: SECRET_KEY comes from the environment. For a developer
machine without one, `create_app` keeps a random key in the instance folder instead.
"""
from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    #: PostgreSQL in production (postgresql+psycopg://...); SQLite in the instance folder by default.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: Slow work (report builds, large exports, e-mail, suggestion training) runs as jobs
    #: (webapp/jobs): on RQ workers (`flask worker`) when REDIS_URL is set, else in a local
    #: worker process started by the web process.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    JOB_QUEUE = os.environ.get("KLANKBORD_JOB_QUEUE", "klankbord")
    #: Seconds a job may run before it is stopped and marked failed.
    JOB_TIMEOUT = int(os.environ.get("KLANKBORD_JOB_TIMEOUT", "600"))
    #: Local worker processes that may run at once per web process (without Redis).
    LOCAL_JOB_WORKERS = int(os.environ.get("KLANKBORD_LOCAL_JOB_WORKERS", "2"))
    #: Exports with more rows than this become jobs with a progress page and a download link.
    EXPORT_JOB_THRESHOLD = int(os.environ.get("KLANKBORD_EXPORT_JOB_THRESHOLD", "2000"))
    #: Run every job in the request or command that asks for it (tests, one-off scripts).
    JOBS_INLINE = False
    #: Hours between two runs of the scheduled retention purge (RQ; without Redis cron runs it).
    PRIVACY_PURGE_INTERVAL_HOURS = float(os.environ.get("PRIVACY_PURGE_INTERVAL_HOURS", "24"))
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("nl", "en")
    # Requests may carry long transcripts; anything above this gets a translated 413 page.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Werkzeug refuses form fields above 500 kB by default; our own validators give a
    # clearer, translated message (and keep the text), so let the body through.
    MAX_FORM_MEMORY_SIZE = 32 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    #: "Stay logged in" lasts at most this long (Flask-Login's default is a year).
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    #: Login throttling (webapp/auth/throttle.py): failed logins counted per account and client
    #: address, per client address, and per account (delays, never a lock-out).
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADER_RETRY_AFTER_VALUE = "delta-seconds"
    #: Redis unreachable: each process counts in memory until it is back (logins keep working, still throttled).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_WINDOW_SECONDS = 15 * 60
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = 10
    LOGIN_LIMIT_PER_ADDRESS = "100 per 15 minutes"
    LOGIN_DELAYS_AFTER = 30
    LOGIN_MAX_DELAY_SECONDS = 60
    #: "Forgot password" requests: per submitted address and per client (webapp/auth/routes.py).
    RESET_LIMIT_PER_ACCOUNT = "5 per hour"
    RESET_LIMIT_PER_ADDRESS = "30 per hour"
    WTF_CSRF_TIME_LIMIT = None  # a tablet left open during a full-day meeting must still save
    PRODUCTION = os.environ.get("KLANKBORD_ENV") == "production"
    #: How many reverse proxies in front of the app set X-Forwarded-For and -Proto (Werkzeug's
    #: ProxyFix; docs/deploy.md). Only then are those headers believed: 0 (the default) ignores
    #: them, since any client that reaches the app directly could forge them. Behind a proxy
    #: without it, every request seems to come from the proxy and over plain http.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    #: A report build (screen or CLI) running longer than this many seconds is stopped and marked failed.
    REPORT_BUILD_TIMEOUT = float(os.environ.get("REPORT_BUILD_TIMEOUT", "180"))
    #: A kiosk survey left untouched this long starts again empty for the next person.
    KIOSK_IDLE_SECONDS = 180
    #: Kept as files in the instance folder so a new process neither redraws nor recompiles:
    #: survey charts (webapp/charts.py) and compiled templates (webapp/template_cache.py).
    CHART_FILE_CACHE = True
    TEMPLATE_FILE_CACHE = True
    #: Photos (webapp/photos, docs/deploy.md): where the files live - "file" (a folder:
    #: PHOTO_STORAGE_PATH, else instance/photos) or "s3" (an S3-compatible bucket; credentials
    #: from boto3's own chain, e.g. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
    PHOTO_STORAGE = os.environ.get("KLANKBORD_PHOTO_STORAGE", "file")
    PHOTO_STORAGE_PATH = os.environ.get("KLANKBORD_PHOTO_PATH") or None
    PHOTO_S3_BUCKET = os.environ.get("KLANKBORD_PHOTO_S3_BUCKET", "")
    PHOTO_S3_PREFIX = os.environ.get("KLANKBORD_PHOTO_S3_PREFIX", "photos/")
    PHOTO_S3_ENDPOINT_URL = os.environ.get("KLANKBORD_PHOTO_S3_ENDPOINT_URL") or None
    PHOTO_S3_REGION = os.environ.get("KLANKBORD_PHOTO_S3_REGION") or None
    #: An uploaded photo may be at most this large, and hold at most this many pixels (a larger
    #: count is a decompression bomb, refused before it is decoded: webapp/uploads.py).
    PHOTO_MAX_BYTES = int(os.environ.get("KLANKBORD_PHOTO_MAX_MB", "20")) * 1024 * 1024
    PHOTO_MAX_PIXELS = int(os.environ.get("KLANKBORD_PHOTO_MAX_MEGAPIXELS", "50")) * 1_000_000
    #: Make a new photo's thumbnail in the request instead of a job (tests, one-off scripts).
    PHOTO_THUMBNAILS_INLINE = False
    #: Outgoing e-mail (webapp/mail). Without MAIL_SERVER messages wait in the admin outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    #: Flask-Mailman would pick its in-memory backend under TESTING; the tests talk to a real SMTP server.
    MAIL_BACKEND = "smtp"
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "klankbord@localhost")
    #: Seconds an SMTP connection may take before the message is marked failed and retried.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    MAIL_MAX_ATTEMPTS = 5
    #: The first retry waits this long; each next one twice as long.
    MAIL_RETRY_SECONDS = 60
    #: Send in a background thread after the commit that queued mail (off in tests: they call send_queued).
    MAIL_BACKGROUND = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = ""
    MAIL_BACKGROUND = False
    # Charts drawn by one test must not be read back by another from a shared instance folder.
    CHART_FILE_CACHE = False
    MAIL_USE_TLS = False
    MAIL_TIMEOUT = 5
    # Photos of a test process go to a folder of its own (running_app in tests/conftest.py
    # gives each app its own); thumbnails are made at once, not by a job.
    PHOTO_STORAGE = "file"
    PHOTO_STORAGE_PATH = os.path.join(tempfile.gettempdir(), f"klankbord-test-photos-{os.getpid()}")
    PHOTO_THUMBNAILS_INLINE = True
