"""What the findings add to the features below them, connected at start-up (webapp/signals.py):
counts and re-tagging for the codebook, an activity's number of findings, what follows an
organisation's merge, and an older project export's translations."""
from __future__ import annotations

from sqlalchemy import func, insert, select, update

from .. import signals
from ..db_types import utcnow
from ..extensions import db
from .models import Contributor, Finding, FindingTranslation
from .tags import retag, theme_finding_counts, touch_findings


@signals.theme_finding_counts.connect
def _theme_counts(_sender) -> dict[int, int]:
    return theme_finding_counts()


@signals.themes_merging.connect
def _retag(source, target) -> list[int]:
    finding_ids = retag(source.id, target.id)
    if finding_ids:
        touch_findings(finding_ids)
    return finding_ids


@signals.activity_finding_count.connect
def _activity_count(activity_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Finding).where(Finding.activity_id == activity_id))


@signals.organisation_merging.connect
def _follow_merge(source, target) -> None:
    db.session.execute(update(Finding).where(Finding.organisation_id == source.id).values(organisation_id=target.id))
    db.session.execute(
        update(Contributor).where(Contributor.organisation_id == source.id).values(organisation_id=target.id))


@signals.project_imported.connect
def _import_old_translations(document: dict, new_ids: dict[str, dict]) -> None:
    """Exports made before migration 0019 carry a finding's one translation on the finding
    itself (`translation`, `translation_language`): it becomes a translation row, unless the
    export also holds one in that language (not marked as checked, as the migration does)."""
    present = {(row["finding_id"], row["language"]) for row in document["tables"].get("finding_translations", [])}
    for row in document["tables"].get("findings", []):
        text, language = (row.get("translation") or "").strip(), row.get("translation_language")
        finding_id = new_ids.get("findings", {}).get(row.get("id"))
        if text and language and finding_id is not None and (row["id"], language) not in present:
            db.session.execute(insert(FindingTranslation.__table__).values(
                finding_id=finding_id, language=language, text=text, checked=False, updated_at=utcnow()))
