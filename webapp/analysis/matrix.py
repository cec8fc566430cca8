"""The evidence matrix: for each theme, how many findings back it and from which sources.

A theme counts its own findings and those of its sub-themes, each finding once. Every
figure comes from a grouped query over a recursive "theme and its descendants" table,
so the page costs the same handful of queries for 50 findings or 50,000.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ..activities.models import Activity
from ..activities.types import ACTIVITY_TYPES
from ..charts import horizontal_bar_chart
from ..data_version import cached_until_data_changes
from ..extensions import db
from ..findings.models import Finding, finding_themes
from ..i18n import localized
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..projects.scope import scope_ids
from ..themes.models import Theme
from ..themes.services import TreeRow, all_themes, theme_tree
from .services import NO_STAKEHOLDER


@dataclass
class ThemeEvidence:
    findings: int = 0
    activities: int = 0
    #: Distinct kinds of source (activity types): the triangulation figure.
    source_types: int = 0
    stakeholder_types: int = 0
    organisations: int = 0


@dataclass
class EvidenceMatrix:
    rows: list[TreeRow]
    activity_types: list[str]
    stakeholder_types: list[str]
    by_activity_type: dict[tuple[int, str], int] = field(default_factory=dict)
    by_stakeholder_type: dict[tuple[int, str], int] = field(default_factory=dict)
    evidence: dict[int, ThemeEvidence] = field(default_factory=dict)
    #: (theme, theme, number of findings tagged with both), most frequent first.
    cooccurrence: list[tuple[Theme, Theme, int]] = field(default_factory=list)
    total_findings: int = 0
    untagged_findings: int = 0


def _theme_tree_cte():
    """(ancestor_id, theme_id) for every theme and each theme below it, itself included."""
    tree = select(Theme.id.label("ancestor_id"), Theme.id.label("theme_id")).cte("theme_tree", recursive=True)
    child = aliased(Theme)
    return tree.union_all(select(tree.c.ancestor_id, child.id).join(child, child.parent_id == tree.c.theme_id))


def _evidence_query(tree, *columns):
    return (select(tree.c.ancestor_id, *columns)
            .select_from(tree)
            .join(finding_themes, finding_themes.c.theme_id == tree.c.theme_id)
            .join(Finding, Finding.id == finding_themes.c.finding_id)
            .join(Activity, Activity.id == Finding.activity_id)
            .group_by(tree.c.ancestor_id, *columns[:-1] if columns else ()))


def build_matrix(top_pairs: int = 15) -> EvidenceMatrix:
    themes = all_themes()
    rows = [row for row in theme_tree(themes) if row.theme.merged_into_id is None]
    numbers = cached_until_data_changes("evidence_matrix", (scope_ids(), top_pairs),
                                        lambda: _evidence_numbers(top_pairs))
    matrix = EvidenceMatrix(rows=rows, activity_types=list(ACTIVITY_TYPES),
                            stakeholder_types=[*STAKEHOLDER_TYPES, NO_STAKEHOLDER],
                            by_activity_type=dict(numbers["by_activity_type"]),
                            by_stakeholder_type=dict(numbers["by_stakeholder_type"]),
                            evidence={theme_id: ThemeEvidence(*counts) for theme_id, counts in numbers["evidence"]},
                            total_findings=numbers["total"], untagged_findings=numbers["untagged"])
    # Columns nobody has evidence for would only widen the table.
    used_types = {key[1] for key in matrix.by_activity_type}
    matrix.activity_types = [t for t in matrix.activity_types if t in used_types]
    used_stakeholders = {key[1] for key in matrix.by_stakeholder_type}
    matrix.stakeholder_types = [t for t in matrix.stakeholder_types if t in used_stakeholders]
    by_id = {theme.id: theme for theme in themes}
    matrix.cooccurrence = [(by_id[a], by_id[b], n) for a, b, n in numbers["pairs"] if a in by_id and b in by_id]
    return matrix


def _evidence_numbers(top_pairs: int) -> dict:
    """The matrix's counts as plain data (kept until the data changes: `cached_until_data_changes`)."""
    tree = _theme_tree_cte()
    distinct_findings = func.count(Finding.id.distinct())
    numbers: dict = {}
    numbers["by_activity_type"] = [((theme_id, activity_type), count) for theme_id, activity_type, count in
                                   db.session.execute(_evidence_query(tree, Activity.type, distinct_findings))]
    numbers["by_stakeholder_type"] = [
        ((theme_id, stakeholder_type or NO_STAKEHOLDER), count) for theme_id, stakeholder_type, count in
        db.session.execute(_evidence_query(tree, Finding.stakeholder_type, distinct_findings))]
    per_theme = (select(tree.c.ancestor_id, distinct_findings, func.count(Activity.id.distinct()),
                        func.count(Activity.type.distinct()), func.count(Finding.stakeholder_type.distinct()),
                        func.count(Finding.organisation_id.distinct()))
                 .select_from(tree)
                 .join(finding_themes, finding_themes.c.theme_id == tree.c.theme_id)
                 .join(Finding, Finding.id == finding_themes.c.finding_id)
                 .join(Activity, Activity.id == Finding.activity_id)
                 .group_by(tree.c.ancestor_id))
    numbers["evidence"] = [(theme_id, tuple(counts)) for theme_id, *counts in db.session.execute(per_theme)]
    first, second = aliased(finding_themes), aliased(finding_themes)
    numbers["pairs"] = [tuple(row) for row in db.session.execute(
        select(first.c.theme_id, second.c.theme_id, func.count().label("n"))
        .select_from(first)
        .join(second, and_(second.c.finding_id == first.c.finding_id, second.c.theme_id > first.c.theme_id))
        .join(Finding, Finding.id == first.c.finding_id)
        .group_by(first.c.theme_id, second.c.theme_id)
        .order_by(func.count().desc(), first.c.theme_id, second.c.theme_id)
        .limit(top_pairs))]
    numbers["total"] = db.session.scalar(select(func.count(Finding.id)))
    numbers["untagged"] = db.session.scalar(
        select(func.count(Finding.id)).where(~select(finding_themes.c.finding_id)
                                             .where(finding_themes.c.finding_id == Finding.id).exists()))
    return numbers


def theme_count_chart(matrix: EvidenceMatrix, depth: int = 0) -> Markup:
    """Findings per theme at `depth` in the tree (0: the main themes), largest first, as SVG.

    The report can call this too, so its figure matches the page.
    """
    counted = [(localized(row.theme, "label") or row.theme.code, matrix.evidence.get(row.theme.id, ThemeEvidence()).findings)
               for row in matrix.rows if row.depth == depth and not row.theme.archived]
    counted.sort(key=lambda item: -item[1])
    return _chart(tuple(label for label, _count in counted), tuple(count for _label, count in counted))


@lru_cache(maxsize=32)
def _chart(labels: tuple[str, ...], values: tuple[int, ...]) -> Markup:
    """Drawing takes matplotlib a tenth of a second; the same figures give the same SVG."""
    return horizontal_bar_chart(list(labels), list(values), width_inches=7.0)
