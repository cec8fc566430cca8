"""Publishing a finished build: final, audited; the public download shows the newest per language and format."""
from __future__ import annotations

from ..audit.services import record_audit
from ..db_types import utcnow
from ..extensions import db
from ..i18n import _
from .models import PublicationOverride, ReportVersion
from .texts import ReportError


def publish_version(version: ReportVersion, user_id: int | None = None, open_items: list[dict] | None = None,
                    reason: str = "") -> None:
    """Make a built version the report's published one in its language (final: it stays published).

    The public download page shows the newest published version per language and format. With
    `open_items` (the preflight's summary: [{"code", "count"}]) a `reason` is kept beside the
    version (PublicationOverride); the audit entry names the items' codes and counts only."""
    if version.status != "done" or version.number is None or version.withdrawn_at is not None:
        raise ReportError(_("Only a finished build can be published."))
    if version.published_at is not None:
        raise ReportError(_("This version is already published."))
    version.published_at = utcnow()
    version.published_by_id = user_id

    detail = {"report": version.report_id, "number": version.number, "language": version.language,
              "format": version.format}
    if open_items:
        override = PublicationOverride(version_id=version.id, user_id=user_id, reason=reason, open_items=open_items)
        db.session.add(override)
        db.session.flush()
        detail.update(open_items=sum(item["count"] for item in open_items),
                      open_item_codes=[item["code"] for item in open_items], override=override.id)
    record_audit(user_id, "publish", "report_version", version.id, detail)
    db.session.commit()
