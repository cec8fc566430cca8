"""Project scope: which projects the queries of this request (or CLI command) may see.

One mechanism for every feature (docs/architecture.md, "Projects and scope"):

- Tables that belong to one project carry `project_id` through the `ProjectScoped` mixin.
  Tables that hang off such a table (report chapters, survey questions, review comments...)
  name the way to their project with `project_parent` (a relationship path), see
  `child_criteria`.
- The `do_orm_execute` hook in `findings/models.py` adds `with_loader_criteria(...)` for
  the current scope to every ORM select, relationship load and `Session.get`, so a row of
  another project is simply not found (the view answers 404).
- The scope is kept on `flask.g` (one per app context: per request, per CLI command):
  a `/p/<slug>/` request scopes to its project; other logged-in requests to the user's
  projects; public token pages and the CLI are unscoped unless they call `in_project`.
- Raw SQL (`text()`, Core selects on tables) bypasses the hook: such code takes the
  project ids explicitly from `scope_ids()`.
- New rows get `project_id` from their parent (a finding from its activity) or else the
  current project, in a `before_flush` listener; a row without a project is refused by
  the database (NOT NULL).
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy.sql import visitors

from flask import g, has_app_context
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from ..extensions import db
from .models import Project

#: Set on `g` by the request preprocessor or `in_project`: the project of this request.
_PROJECT = "project"
#: Tuple of project ids this context may see, or None for "no restriction".
_SCOPE = "project_scope"


class ProjectScoped:
    """Mixin for a table whose rows belong to one project."""

    @declared_attr
    def project_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def project(cls):
        return relationship("Project", lazy="select")

    #: Name of the relationship whose `project_id` a new row inherits (e.g. Finding.activity).
    project_source: str | None = None


#: Child tables without their own project_id: class -> function(allowed ids) -> criterion.
CHILD_CRITERIA: dict[type, object] = {}


def child_of(parent_path: str):
    """Class decorator for a table that hangs off a project-scoped one, e.g.
    `@child_of("report")` on ReportChapter or `@child_of("chapter.report")` on Recommendation:
    its rows are visible only when the parent is (an EXISTS on the relationship path)."""

    def decorate(cls):
        def criterion(allowed, _cls=cls):
            steps = parent_path.split(".")
            classes = [_cls]
            for step in steps:
                classes.append(getattr(classes[-1], step).property.mapper.class_)
            expression = classes[-1].project_id.in_(allowed)
            for owner, step in reversed(list(zip(classes[:-1], steps))):
                expression = getattr(owner, step).has(expression)
            return expression

        # Built once per set of allowed projects: building the EXISTS for every child table
        # on every query cost ~9 ms a statement (bench: API saves fell to a tenth).
        CHILD_CRITERIA[cls] = lru_cache(maxsize=64)(criterion)
        return cls

    return decorate


#: Link tables without a model (activity_organisations, finding_themes, ...): table -> the
#: column naming the row they belong to. Their rows belong to that row's project, so a project
#: export carries them (projects/transfer.py); `link_of` registers one beside its table.
LINK_TABLES: dict = {}


def link_of(owner_column: str, table):
    """Register `table` as a link table whose `owner_column` names the project row it belongs to."""
    LINK_TABLES[table] = owner_column
    return table


def project_models(registry, metadata) -> list[type]:
    """Every model whose rows belong to a project (`ProjectScoped`, `@child_of`), in an order
    where every row a foreign key points at comes first (what an import must insert first)."""
    by_table = {mapper.class_.__table__: mapper.class_ for mapper in registry.mappers
                if issubclass(mapper.class_, ProjectScoped) or mapper.class_ in CHILD_CRITERIA}
    return [by_table[table] for table in metadata.sorted_tables if table in by_table]


def tables_in(statement) -> frozenset[str]:
    """Names of every table a statement reads, in joins, aliases and subqueries alike.

    The scope hook adds a loader criterion only for these: SQLAlchemy builds a cache key
    over every option of every statement, and ~20 criteria on each one cost ~1.7 ms a
    statement (docs/benchmarks.md). A criterion for a table the statement does not read
    changes nothing, so leaving it out is safe; walking the statement costs ~0.03 ms."""
    return frozenset(element.name for element in visitors.iterate(statement)
                     if element.__visit_name__ == "table")


_TABLE_MAPS: dict = {}


def _table_map(kind: str, classes) -> dict[str, type]:
    """table name -> class, made once per set of mapped classes (they are all mapped at
    start-up; a count that changes, as in a test that maps more, makes it again)."""
    classes = tuple(classes)
    cached = _TABLE_MAPS.get(kind)
    if cached is None or cached[0] != len(classes):
        cached = _TABLE_MAPS[kind] = (len(classes), {cls.__table__.name: cls for cls in classes})
    return cached[1]


def scoped_tables(registry) -> frozenset[str]:
    """Names of the tables with their own `project_id` (the `ProjectScoped` ones). Made at the
    first query, when `webapp.models` has mapped every table."""
    cached = _TABLE_MAPS.get("scoped")
    if cached is None:
        cached = _TABLE_MAPS["scoped"] = frozenset(mapper.class_.__table__.name for mapper in registry.mappers
                                                   if issubclass(mapper.class_, ProjectScoped))
    return cached


def child_criteria_for(tables: frozenset[str]):
    """(class, criterion builder) of the child tables among `tables`."""
    by_table = _table_map("children", CHILD_CRITERIA)
    return [(by_table[name], CHILD_CRITERIA[by_table[name]]) for name in tables if name in by_table]


def current_project():
    """The project of this request or command (a `Project`), or None."""
    if not has_app_context():
        return None
    return g.get(_PROJECT)


def current_project_id() -> int | None:
    project = current_project()
    return project.id if project is not None else None


def only_project_id(session) -> int | None:
    """The project of an installation that has exactly one: where a new row goes when
    nothing says otherwise (a script, a job). With several projects: None, and the
    database refuses the row."""
    from sqlalchemy import select

    with session.no_autoflush:
        ids = session.scalars(select(Project.id).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def scope_ids() -> tuple[int, ...] | None:
    """The project ids this context may see; None means unrestricted (CLI, public links, admins)."""
    if not has_app_context():
        return None
    return g.get(_SCOPE)


def set_scope(project, allowed: tuple[int, ...] | None) -> None:
    setattr(g, _PROJECT, project)
    setattr(g, _SCOPE, allowed)


def enter_project_of(obj):
    """A public token page found its object (survey, invitation, review assignment): from
    here on the request works inside that object's project, as a staff page would."""
    if obj is not None and has_app_context():
        project_id = obj.project_id if isinstance(obj, ProjectScoped) else None
        if project_id is not None:
            set_scope(db.session.get(Project, project_id), (project_id,))
    return obj


@contextmanager
def in_project(project, *, scoped: bool = True):
    """Work inside one project outside a request (CLI, demo loader, jobs, tests):
    new rows go to it and, with `scoped`, queries see only it."""
    previous = (g.get(_PROJECT), g.get(_SCOPE))
    set_scope(project, (project.id,) if scoped else previous[1])
    try:
        yield project
    finally:
        set_scope(*previous)


@contextmanager
def unscoped():
    """Lift the restriction for a step that must see every project (export, admin screens)."""
    previous = (g.get(_PROJECT), g.get(_SCOPE))
    set_scope(previous[0], None)
    try:
        yield
    finally:
        set_scope(*previous)
