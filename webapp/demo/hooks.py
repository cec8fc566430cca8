"""What the demo loader adds to the features below it, connected at start-up (webapp/signals.py)."""
from __future__ import annotations

from .. import signals
from .cli import migrate_first
from .services import load_demo


@signals.demo_wanted.connect
def _load(_sender) -> None:
    """`flask report build --demo` without the demo loaded: migrate (a fresh database) and load it first."""
    migrate_first()
    load_demo()
