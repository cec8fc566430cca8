"""Long lists one page at a time: `paginate(statement)` and the `pagination` macro
(templates/_pagination.html). Two queries (a count and the page), however long the list."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, func, select

from .extensions import db

#: Rows per page of a staff list; `?per_page=` may choose one of these.
PER_PAGE_CHOICES = (50, 100, 200)


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.total, self.page * self.per_page)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def paginate(statement: Select, *, per_page: int | None = None, rows: bool = False, page: int | None = None) -> Page:
    """The page asked for in `?page=` of `statement` (ordered); `rows=True` keeps whole rows
    (several columns) instead of the first column's objects."""
    if per_page is None:
        asked = request.args.get("per_page", type=int)
        per_page = asked if asked in PER_PAGE_CHOICES else PER_PAGE_CHOICES[1]
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page if page is not None else request.args.get("page", 1, type=int)), pages)
    limited = statement.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.execute(limited).all() if rows else db.session.scalars(limited).unique())
    return Page(items, total, page, per_page)
