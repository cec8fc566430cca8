"""Archived projects are read-only but still reportable.

Two layers: staff requests that would write in an archived project are refused with a
translated message before the view runs (`refuse_archived_writes`, registered in
`projects/context.py`), and - for every other path (CLI, API, jobs) - a flush that adds,
changes or deletes a project-scoped row of an archived project raises `ProjectArchived`.
Building a report writes only report versions, which are not refused.
"""
from __future__ import annotations

from ..i18n import _
from .models import Project
from .scope import ProjectScoped


class ProjectArchived(Exception):
    """A write into an archived project; the message is translated for display."""

    def __init__(self):
        super().__init__(_("This project is archived: it can be read and reported on, not changed."))


#: Endpoints that may POST in an archived project: building a report (read-only use) and
#: leaving or reopening the project.
ALLOWED_IN_ARCHIVE = {"reports.build", "projects.switch", "projects.edit"}


def refuse_writes_to_archived_projects(session) -> None:
    changed = {obj.project_id for obj in (*session.new, *session.dirty, *session.deleted)
               if isinstance(obj, ProjectScoped) and obj.project_id is not None
               and (obj not in session.dirty or session.is_modified(obj))}
    if not changed:
        return
    with session.no_autoflush:  # the request's project is in the identity map: usually no query
        if any(getattr(session.get(Project, project_id), "status", None) == "archived" for project_id in changed):
            raise ProjectArchived()
