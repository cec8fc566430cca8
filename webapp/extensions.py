"""Every Flask extension, created once here and bound to the app in `create_app`."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
import click
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Predictable constraint names: SQLite migrations run in batch mode and need them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class _MigrateState:
    """`app.extensions["migrate"]`, built on first use: Flask-Migrate imports Alembic (and Mako,
    Pygments), a quarter of the app's start-up, which no web request and no job needs."""

    def __init__(self, db, directory: str):
        self._db, self._directory = db, directory

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if "_real" not in self.__dict__:
            from flask_migrate import Migrate, _MigrateConfig

            migrate = Migrate(db=self._db, directory=self._directory, render_as_batch=True, compare_type=True)
            self._real = _MigrateConfig(migrate, self._db, **migrate.alembic_ctx_kwargs)
        return getattr(self._real, name)


class _DbCommands(click.Group):
    """`flask db ...`: Flask-Migrate's command group, imported when that command is run."""

    def __init__(self):
        super().__init__("db", help="Perform database migrations.")

    def _group(self) -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra):
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        return self._group().invoke(ctx)

    def list_commands(self, ctx):
        return self._group().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._group().get_command(ctx, name)


class LazyMigrate:
    """Flask-Migrate bound to the app without importing it until a migration command runs."""

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _MigrateState(db, directory)
        app.cli.add_command(_DbCommands())


migrate = LazyMigrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
#: Login throttling (auth/routes.py). Storage from RATELIMIT_STORAGE_URI: memory:// in one
#: process, Redis when REDIS_URL is set so every web process counts the same attempts.
#: No X-RateLimit headers: they would tell a guesser how many tries are left, and overwrite the
#: Retry-After of the account waits (auth/throttle.py); a 429 sets its own Retry-After.
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="moving-window",
                  headers_enabled=False)
#: Outgoing e-mail (webapp/mail): SMTP settings from the environment, see Config.
mail = Mail()
