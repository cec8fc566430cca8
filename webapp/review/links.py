"""The language a reviewer link was made for, usable or not: the page of a link that no
longer works speaks it (reviewer pages are Dutch and English; that page Arabic too)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..findings.models import Contributor
from .models import ReviewAssignment, hash_token


def link_language(token: str) -> str | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Contributor.language).join(
        ReviewAssignment, ReviewAssignment.contributor_id == Contributor.id).where(
        ReviewAssignment.token_hash == hash_token(token)))
