"""GDPR art. 15: everything Klankbord holds about one person, as one ZIP for them. The parts
kept by features above the contributors come from their registrations (erasure.py)."""
from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..photos.models import Photo
from ..photos.storage import PhotoFileMissing, read_file
from ..surveys.models import Answer, Invitation, Question, Response, Survey
from .erasure import PERSONAL_DATA


def when(value) -> str | None:
    """A date or moment as the person's ZIP writes it."""
    return value.isoformat() if value else None


#: Why a photo's file is not in the person's ZIP (GDPR art. 15(4): a copy must not affect others).
WITHHELD = ("not included: the photo may show other people or their names; a facilitator has not "
            "checked it yet. Ask us to see it.")


def _photos(contributor: Contributor) -> tuple[list[dict], dict[str, bytes]]:
    """The person's photos as rows, and the files of the cleared ones (`photos/<id>.jpg`). A photo
    that may show other people is listed, its file withheld (art. 15(4))."""
    rows, files = [], {}
    for photo in db.session.scalars(select(Photo).where(Photo.contributor_id == contributor.id).order_by(Photo.id)):
        name = None
        if not photo.may_show_people:
            try:
                files[name := f"photos/{photo.id}.jpg"] = read_file(photo.file_key)
            except PhotoFileMissing:
                name = None
        rows.append({"id": photo.id, "activity": photo.activity.title if photo.activity else None,
                     "created_at": when(photo.created_at), "width": photo.width, "height": photo.height,
                     "file": name or WITHHELD})
    return rows, files


def access_request_zip(contributor: Contributor) -> bytes:
    """Everything Klankbord holds about one person, as one ZIP for them (GDPR art. 15):
    who they are to us, their consents, their words (findings with translations, survey and
    feedback answers, review comments) and where their words were used (recommendations,
    report versions that printed them)."""
    findings = list(db.session.scalars(select(Finding).where(Finding.contributor_id == contributor.id)
                                       .execution_options(include_deleted=True).order_by(Finding.id)))
    finding_ids = {f.id for f in findings}
    person = {
        "pseudonym": str(contributor.pseudonym), "kind": contributor.kind, "name": contributor.name,
        "contact": contributor.contact, "language": contributor.language,
        "organisation": contributor.organisation.name if contributor.organisation else None,
        "created_at": when(contributor.created_at),
    }
    consents = {
        "consent_given_at": when(contributor.consent_given_at), "consent_scope": contributor.consent_scope,
        "personal_links": [{"survey": s.title_nl or s.title_en, "created_at": when(i.created_at),
                            "consented_at": when(i.consented_at), "expires_at": when(i.expires_at),
                            "revoked_at": when(i.revoked_at)}
                           for i, s in db.session.execute(select(Invitation, Survey)
                                                          .join(Survey, Survey.id == Invitation.survey_id)
                                                          .where(Invitation.contributor_id == contributor.id))],
    }
    contributions = {
        "findings": [{"id": f.id, "activity": f.activity.title if f.activity else None, "text": f.text,
                      "language": f.language, "kind": f.kind,
                      "translations": [{"language": t.language, "text": t.text} for t in f.translations],
                      "created_at": when(f.created_at),
                      "deleted_at": when(f.deleted_at)} for f in findings],
        "answers": [{"survey": survey.title_nl or survey.title_en, "question": question.label_nl or question.label_en,
                     "answer": answer.value, "submitted_on": when(response.submitted_on),
                     "language": response.language}
                    for answer, question, response, survey in db.session.execute(
                        select(Answer, Question, Response, Survey)
                        .join(Question, Question.id == Answer.question_id)
                        .join(Response, Response.id == Answer.response_id)
                        .join(Survey, Survey.id == Response.survey_id)
                        .where(Response.contributor_id == contributor.id).order_by(Response.id, Question.position))],
    }
    photos, photo_files = _photos(contributor)
    contributions["photos"] = photos
    used: dict[str, list] = {}
    # What features above keep about the person (review comments, reports that used their
    # words): their registrations (erasure.py), in the order they registered.
    for part in PERSONAL_DATA:
        if part.export is not None:
            for name, rows in part.export(contributor, finding_ids).items():
                {"contributions.json": contributions, "where_used.json": used}[name].update(rows)
    readme = (
        "Klankbord — personal data of {p} (GDPR art. 15), made {d}.\n\n"
        "person.json         who you are to us: pseudonym, name, contact, language, organisation\n"
        "consents.json       your consent and the personal links you received\n"
        "contributions.json  your words: findings (with their translations), answers, review comments,\n"
        "                    photos of your notes, drawing or face (the cleared ones in photos/)\n"
        "where_used.json     recommendations and report versions that used your words\n\n"
        "Outside the administrators' screens you appear only as \"{p}\".\n"
    ).format(p=person["pseudonym"], d=utcnow().date().isoformat())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, data in (("person.json", person), ("consents.json", consents),
                           ("contributions.json", contributions), ("where_used.json", used)):
            archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
        for name, content in photo_files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
