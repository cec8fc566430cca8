"""What the activities add to the organisations below them, connected at start-up
(webapp/signals.py): the activities an organisation took part in, and their links on a merge."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from .. import signals
from ..extensions import db
from .models import Activity, activity_organisations


@signals.organisation_activity_counts.connect
def _counts(_sender) -> dict[int, int]:
    # Organisations are shared by all projects, their activities are not: the count joins
    # Activity, so the project scope (an ORM criterion on Activity) applies to it.
    link = activity_organisations
    return dict(db.session.execute(select(link.c.organisation_id, func.count())
                                   .join(Activity, Activity.id == link.c.activity_id)
                                   .group_by(link.c.organisation_id)).all())


@signals.organisation_activities.connect
def _activities(organisation) -> list[Activity]:
    return db.session.scalars(
        select(Activity).join(activity_organisations)
        .where(activity_organisations.c.organisation_id == organisation.id)
        .order_by(Activity.starts_on.desc().nullslast(), Activity.type, Activity.number)
    ).all()


@signals.organisation_merging.connect
def _move_links(source, target) -> None:
    link = activity_organisations
    already_linked = select(link.c.activity_id).where(link.c.organisation_id == target.id)
    # An activity that lists both keeps one link, to the target.
    db.session.execute(
        delete(link).where(link.c.organisation_id == source.id, link.c.activity_id.in_(already_linked))
    )
    db.session.execute(update(link).where(link.c.organisation_id == source.id).values(organisation_id=target.id))
