"""Pseudonym numbers: given once per kind, never again, not even after an erasure."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from .models import Contributor, PseudonymCounter


def _counter(kind: str) -> PseudonymCounter:
    counter = db.session.scalars(select(PseudonymCounter).where(PseudonymCounter.kind == kind)
                                 .with_for_update()).first()
    if counter is None:
        counter = PseudonymCounter(kind=kind, last_number=0)
        db.session.add(counter)
    return counter


def next_pseudonym_number(kind: str) -> int:
    """The next number of `kind`: above every number ever given (the counter) and above every
    number in use (contributors made with a fixed number, like the demo's)."""
    counter = _counter(kind)
    in_use = db.session.scalar(select(func.max(Contributor.pseudonym_number)).where(Contributor.kind == kind)) or 0
    counter.last_number = max(counter.last_number or 0, in_use) + 1
    db.session.flush()
    return counter.last_number


def retire_pseudonym_number(kind: str, number: int) -> None:
    """Called by an erasure before the contributor row goes: the number stays taken."""
    counter = _counter(kind)
    counter.last_number = max(counter.last_number or 0, number)
    db.session.flush()
