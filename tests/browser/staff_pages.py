"""Every staff GET page of the URL map, with its ids filled from the demo data.

Shared by the phone layout test and the accessibility walk: a new staff page is visited by
both without being named here (an argument the filler does not know fails loudly)."""
from __future__ import annotations

import itertools
import re

from sqlalchemy import select

from ..test_projects import page_query, project_ids

ADMIN = {"email": "admin@klankbord.test", "role": "admin"}
FACILITATOR = {"email": "facilitator@klankbord.test", "role": "facilitator"}
#: Not a page: files, JSON, SVG and the service worker (the URL says so or the view sends one).
NOT_A_PAGE = re.compile(r"\.(csv|xlsx|zip|qdc|qdpx|svg|json|js|ico|jpg)$|/download$|/html$")
NOT_A_PAGE_ENDPOINTS = {"contributors.access_request", "jobs.download", "projects.export_zip"}


def demo_ids(app) -> dict:
    """The project sweep's ids (tests/test_projects.py) plus those of the pages outside a project."""
    from webapp.auth.models import User
    from webapp.extensions import db
    from webapp.jobs.models import Job
    from webapp.mail.models import OutgoingMessage
    from webapp.projects.models import Project
    from webapp.projects.scope import in_project
    from webapp.reports.models import ReportVersion
    from webapp.surveys.models import Answer, Invitation, Question, Survey

    with app.app_context():
        learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
        ids = project_ids(learn)
        with in_project(learn):
            # the outcome screens need a published version: the sweep's stand-in build, published
            version = db.session.get(ReportVersion, ids[(None, "version_id")])
            if version.published_at is None:
                from datetime import datetime, timezone

                version.published_at = datetime.now(timezone.utc)
                db.session.commit()
            # a person whose words the version printed, so the outcome preview has someone to show
            from webapp.outcome.services import participants

            people = participants(version)
            assert people, "the demo report prints nobody's words"
            ids[(None, "contributor_id")] = people[0].contributor.id
            # a survey with a free-text answer, so "make a finding of this answer" has one to show
            answer = db.session.execute(
                select(Answer.id, Question.id, Question.survey_id).join(Question, Question.id == Answer.question_id)
                .join(Survey, Survey.id == Question.survey_id)
                .where(Question.type == "text", Survey.purpose == "survey").order_by(Answer.id).limit(1)).first()
            if answer is not None:
                ids[("surveys", "answer_id")], ids[("surveys", "question_id")], ids[("surveys", "survey_id")] = answer
            # members with an e-mail address, so the mail pages show the message an Arabic member reads
            for invitation in db.session.scalars(select(Invitation).where(
                    Invitation.survey_id == ids[("feedback", "survey_id")])):
                if invitation.contributor is not None and not invitation.contributor.contact:
                    invitation.contributor.contact = f"member{invitation.contributor_id}@example.test"
            db.session.commit()
        message = db.session.scalar(select(OutgoingMessage.id).order_by(OutgoingMessage.id).limit(1))
        job = db.session.scalar(select(Job.id).order_by(Job.id).limit(1))
        ids |= {
            (None, "project_id"): learn.id,
            (None, "user_id"): db.session.scalar(select(User.id).where(User.email == FACILITATOR["email"])),
            (None, "message_id"): message,
            (None, "job_id"): job,
            (None, "organisation_id"): 1,
            (None, "abbreviation_id"): 1,
        }
        # the mail pages: the invitation and the reminder (a demo member who has not answered gets one)
        ids[("feedback", "kind")] = ids[("surveys", "kind")] = ("invitation", "reminder")
        return ids


def staff_page_urls(app, role: str, ids: dict) -> list[str]:
    """The GET pages a user of `role` may open (by the view's roles), in URL-map order."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", None)
        if ("GET" not in rule.methods or roles is None or rule.endpoint.endswith("static") or role not in roles or rule.rule.startswith("/api/")
                or NOT_A_PAGE.search(rule.rule) or rule.endpoint in NOT_A_PAGE_ENDPOINTS):
            continue
        blueprint = rule.endpoint.split(".")[0]
        missing, choices = [], {}

        def fill(match):
            name = match.group(1)
            if name == "project_slug":
                return "learn"
            key = (blueprint, name) if (blueprint, name) in ids else (None, name)
            if ids.get(key) is None:
                missing.append(name)
                return "0"
            if isinstance(ids[key], tuple):  # several values: a page for each
                choices[name] = ids[key]
                return "{" + name + "}"
            return str(ids[key])

        url = re.sub(r"<(?:\w+:)?(\w+)>", fill, rule.rule)
        if missing and not set(missing) <= {"message_id", "job_id"}:  # no mail or job in the demo: nothing to show
            raise AssertionError(f"{rule.rule}: no demo id for {missing} in tests/browser/staff_pages.py")
        url += page_query(rule.endpoint, ids)
        if not missing:
            urls += [url.format(**dict(zip(choices, values))) for values in itertools.product(*choices.values())]
    return urls

