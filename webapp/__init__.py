"""Klankbord: the app factory. It binds extensions and blueprints and does nothing else."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from .auth.models import User
from .config import Config
from . import extensions
from .db_types import MAX_DATABASE_INT
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .private_logs import install as keep_user_text_out_of_logs
from .projects.context import ProjectFlask
from .routing import LazyBuildRule
from .security import init_security
from .sqlite_writer import one_writer_at_a_time
from .template_cache import compiled_template_cache


def create_app(config: type[Config] | None = None) -> ProjectFlask:
    app = ProjectFlask(__name__, instance_relative_config=True)
    app.url_rule_class = LazyBuildRule
    app.config.from_object(config or Config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _ensure_secret_key(app)
    if app.config.get("PRODUCTION"):  # served over HTTPS only: cookies never travel in the clear
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "klankbord.db")
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address and scheme as the trusted proxies saw them: for the per-address
        # login limits, and HSTS on https answers only.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    keep_user_text_out_of_logs()  # exception messages in log records become their type
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            one_writer_at_a_time(engine)  # SQLite only: writers queue in Python, not in SQLite's sleeps
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    babel.init_app(app, locale_selector=_select_locale)
    from .core.routes import refuse_undecodable_form

    app.before_request(refuse_undecodable_form)  # first: the CSRF check reads the form too
    csrf.init_app(app)
    extensions.mail.init_app(app)  # not imported by name: the webapp.mail package would shadow it
    login_manager.init_app(app)
    limiter.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.bytecode_cache = compiled_template_cache(app)
    # Before any route is added: an <int:> id above what the databases hold is a plain 404.
    app.url_map.converters["int"] = DatabaseIntConverter
    init_security(app)

    from . import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from .activities import bp as activities_bp
    from .auth import bp as auth_bp
    from .core import bp as core_bp
    from .dashboard import bp as dashboard_bp
    from .demo import bp as demo_bp
    from .organisations import bp as organisations_bp
    from .glossary import bp as glossary_bp
    from .reference import bp as reference_bp
    from .reports import bp as reports_bp

    for blueprint in (core_bp, auth_bp, dashboard_bp, activities_bp, organisations_bp, demo_bp,
                      reference_bp, glossary_bp, reports_bp):
        app.register_blueprint(blueprint)
    from .surveys import bp as surveys_bp

    app.register_blueprint(surveys_bp)
    from .api import bp as api_bp
    from .findings import bp as findings_bp
    from .photos import bp as photos_bp

    app.register_blueprint(findings_bp)
    app.register_blueprint(photos_bp)
    app.register_blueprint(api_bp)
    from .analysis.across import bp as across_bp
    from .analysis.routes import bp as analysis_bp
    from .themes.routes import bp as themes_bp

    app.register_blueprint(themes_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(across_bp)  # /search and /evidence over all the user's projects
    from .review import bp as review_bp

    app.register_blueprint(review_bp)
    from .contributors import bp as contributors_bp
    from .feedback import bp as feedback_bp

    app.register_blueprint(contributors_bp)
    from .audit import bp as audit_bp
    from .audit import init_audit
    from .backups import bp as backups_bp

    app.register_blueprint(audit_bp)
    init_audit(app)
    app.register_blueprint(backups_bp)
    app.register_blueprint(feedback_bp)
    from .mail import bp as mail_bp

    app.register_blueprint(mail_bp)
    from .outcome import bp as outcome_bp

    app.register_blueprint(outcome_bp)
    from .privacy import bp as privacy_bp

    app.register_blueprint(privacy_bp)  # retention, the purge, privacy statements, the register
    from .projects import bp as projects_bp
    from .projects.context import init_app as init_projects

    app.register_blueprint(projects_bp)
    init_projects(app)  # /p/<slug>/ in every staff URL; scope of every query (projects/)
    from .jobs import bp as jobs_bp
    from .jobs.running import init_jobs

    app.register_blueprint(jobs_bp)
    init_jobs(app, create_app)  # a worker process makes its app with it

    from .templating import register_template_helpers

    register_template_helpers(app)
    return app


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in every route: above MAX_DATABASE_INT (what an id column holds) the URL is "not
    found" instead of an overflow in the database driver. NotFound is raised here rather
    than through `max=`: Werkzeug answers 405 instead of 404 for some methods when a
    converter merely refuses the value."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_DATABASE_INT:
            raise NotFound()
        return number


def _ensure_secret_key(app: Flask) -> None:
    """Production must set SECRET_KEY; a developer machine gets one kept in instance/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("PRODUCTION"):
        raise RuntimeError("SECRET_KEY must be set in the environment in production")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _select_locale() -> str:
    """The user's remembered language, else the one chosen this visit, else Dutch."""
    from flask import current_app, has_request_context

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    from flask import g

    if g.get("member_locale"):  # advisory-board member pages (webapp/feedback/member.py): nl, en or ar
        return g.member_locale
    if request.path.startswith("/api/") and (asked := request.accept_languages.best_match(languages)):
        return asked  # an API answer is in the language the request asks for
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@login_manager.user_loader
def _load_user(session_id: str):
    """The user of a session or remember cookie, if its session version is still current:
    a password change or "log out everywhere" raises the version and ends the others."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a cookie from before session versions: log in again
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: WAL so readers never block the capture screen's writes; foreign keys on."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Deleted rows are overwritten, not just unlinked: an erasure leaves no words in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
