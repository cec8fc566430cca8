"""The privacy statement per project (webapp/privacy/): in Dutch, English and Arabic, with the
periods actually set and what the project actually stores; linked from the consent page,
every personal-link page and every mail footer; and the register of processing."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from webapp.access import ROLE_LABELS
from webapp.extensions import db
from webapp.jobs.models import Job
from webapp.mail.models import OutgoingMessage
from webapp.privacy.models import ProjectPrivacy
from webapp.privacy.statement import DATA_KINDS, ROLE_ACCESS
from webapp.projects.models import Project
from webapp.surveys.services import close_survey

from .conftest import text_of
from .test_feedback_member import choose, make_round

ROOT = Path(__file__).resolve().parent.parent


def _en(label) -> str:
    return label._args[0]  # the English msgid of a lazy string


def _settings(project_id, **values):
    settings = ProjectPrivacy(project_id=project_id, **values)
    db.session.add(settings)
    db.session.commit()
    return settings


def test_the_statement_answers_in_three_languages_with_the_periods_actually_set(app, client, make_activity):
    survey, (link,) = make_round(make_activity)
    project = db.session.get(Project, survey.project_id)
    _settings(project.id, contact_months=9, outbox_days=14, controller="Gemeente Lepelstad",
              contact="privacy@lepelstad.example", texts={"nl": {"purposes": "Leren van nieuwkomers."}})
    dutch = text_of(client.get(f"/privacy/{project.slug}?lang=nl"))
    assert 'lang="nl"' in dutch and "Privacyverklaring" in dutch
    assert "tot 9 maanden nadat" in dutch and "14 dagen na verzending" in dutch
    assert "Gemeente Lepelstad" in dutch and "privacy@lepelstad.example" in dutch and "Leren van nieuwkomers." in dutch
    assert "Namen van leden van de klankbordgroep" in dutch  # the member has a name: it is stored
    english = text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    assert "until 9 months after" in english and "Privacy statement" in english
    assert "Leren van nieuwkomers." in english  # no English purpose written: the Dutch one, not nothing
    arabic = text_of(client.get(f"/privacy/{project.slug}?lang=ar"))
    assert 'lang="ar" dir="rtl"' in arabic and "بيان الخصوصية" in arabic and "9 أشهر" in arabic
    assert "Names, contact" not in arabic

    db.session.get(ProjectPrivacy, 1).contact_months = 12
    db.session.commit()
    assert "12 maanden" in text_of(client.get(f"/privacy/{project.slug}?lang=nl"))
    assert client.get("/privacy/no-such-project").status_code == 404


def test_what_the_statement_says_is_stored_follows_the_data(app, client, make_activity):
    survey, (link,) = make_round(make_activity)
    project = db.session.get(Project, survey.project_id)
    english = text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    assert _en(DATA_KINDS["names"]) in english and _en(DATA_KINDS["feedback"]) not in english
    for contributor in db.session.scalars(select(link.contributor.__class__)):
        contributor.name = contributor.contact = None
    db.session.commit()
    english = text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    assert _en(DATA_KINDS["names"]) not in english and _en(DATA_KINDS["contacts"]) not in english
    assert _en(DATA_KINDS["photos"]) not in english


def test_the_statement_names_photos_once_the_project_keeps_one(app, client, auth, make_activity):
    from .photo_files import camera_jpeg
    from .test_photos import upload

    survey, _links = make_round(make_activity)
    project = db.session.get(Project, survey.project_id)
    assert _en(DATA_KINDS["photos"]) not in text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    auth.login("facilitator")
    assert upload(client, make_activity().id, camera_jpeg()).status_code == 201
    auth.logout()
    english = text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    assert _en(DATA_KINDS["photos"]) in english  # and for how long, with the default period
    assert "Photos that may show people or names: deleted 12 months after they were taken" in english
    assert "صور لأوراق اللوح الورقي" in text_of(client.get(f"/privacy/{project.slug}?lang=ar"))


def test_the_consent_page_personal_pages_and_mail_link_to_the_statement(app, client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    project = db.session.get(Project, survey.project_id)
    _settings(project.id, contact_months=4)
    choose(client, link, "ar")
    consent = text_of(client.get(f"/f/{link.token}"))
    assert 'data-testid="consent"' in consent
    assert f'href="/privacy/{project.slug}?lang=ar"' in consent
    assert "بعد 4 أشهر من انتهاء آخر جولة شاركت فيها" in consent  # how long, in the member's language
    choose(client, link, "nl")
    assert "4 maanden nadat de laatste ronde" in text_of(client.get(f"/f/{link.token}"))
    # A link that does not work names no project, so its page links to the installation's statement.
    assert 'href="/privacy/?lang=nl"' in text_of(client.get("/f/not-a-token"), status=404)

    link.contributor.contact = "lid@example.test"
    db.session.commit()
    auth.login("admin")
    response = client.post(f"/p/{project.slug}/feedback/{survey.id}/mail/invitation", data={})
    assert response.status_code in (302, 303)
    message = db.session.scalar(select(OutgoingMessage))
    assert message is not None and message.language == "ar"
    assert f"/privacy/{project.slug}?lang=ar" in message.body_text and "بيان الخصوصية" in message.body_html
    assert "بعد 4 أشهر" in message.body_text


def test_admins_set_the_periods_with_the_defaults_beside_them(app, client, auth, make_activity):
    survey, _links = make_round(make_activity)
    close_survey(survey)
    auth.login("admin")
    page = text_of(client.get("/p/learn/retention/"))
    assert "Leeg: de standaard, 6 maanden." in page and "Leeg: de standaard, 30 dagen." in page
    assert 'data-testid="purge-preview"' in page
    response = client.post("/p/learn/retention/", data={"contact_months": "3", "outbox_days": "", "job_days": "2",
                                                        "controller": "Stichting Kluut", "contact": "",
                                                        "purposes_nl": "Leren.", "notes_nl": "", "purposes_en": "",
                                                        "notes_en": "", "purposes_ar": "", "notes_ar": ""})
    assert response.status_code == 302
    settings = db.session.scalar(select(ProjectPrivacy))
    assert (settings.contact_months, settings.outbox_days, settings.job_days) == (3, None, 2)
    assert settings.texts == {"nl": {"purposes": "Leren.", "notes": ""}}
    assert client.post("/p/learn/retention/", data={"contact_months": "0"}).status_code == 303  # refused, shown again
    auth.logout() if hasattr(auth, "logout") else None


def test_only_admins_open_the_privacy_screens(app, client, auth):
    auth.login("author")
    for path in ("/p/learn/retention/", "/retention/", "/retention/register.csv"):
        assert client.get(path).status_code == 403, path


def test_the_register_of_processing_is_made_from_settings_and_deployment(app, client, auth, make_activity):
    survey, _links = make_round(make_activity)
    _settings(survey.project_id, contact_months=5, controller="Gemeente Lepelstad")
    auth.login("admin")
    response = client.get("/retention/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    (row,) = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert row["controller"] == "Gemeente Lepelstad"
    assert "5 maanden na de laatste ronde" in row["retention"]
    database = "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite"
    assert f"Database: {database}." in row["security"]
    assert "/privacy/learn" in row["statement"]
    app.config["JOBS_INLINE"] = True
    page = text_of(client.get("/retention/"))
    assert 'data-testid="register-pdf"' in page
    response = client.post("/retention/register.pdf")
    assert response.status_code == 302
    job = db.session.scalar(select(Job).where(Job.kind == "privacy_register"))
    assert job.state == "done" and job.result.startswith(b"%PDF")


def test_every_string_of_the_statement_has_arabic(tmp_path):
    config = tmp_path / "babel.cfg"
    config.write_text("[jinja2: webapp/privacy/templates/privacy/statement.html]\n"
                      "[jinja2: webapp/privacy/templates/privacy/public_layout.html]\n"
                      "[jinja2: webapp/privacy/templates/privacy/installation.html]\ntrimmed = true\n")
    pot = tmp_path / "privacy.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", str(config), "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert len(wanted) > 20
    wanted |= {str(v._args[0]) for v in (*DATA_KINDS.values(), *ROLE_ACCESS.values(), *ROLE_LABELS.values())}
    with open(ROOT / "translations/ar/LC_MESSAGES/messages.po", "rb") as handle:
        arabic = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(handle)
                  if m.id and not m.fuzzy}
    assert sorted(m for m in wanted if not arabic.get(m)) == []


def test_a_language_a_round_offers_gets_the_summary_staff_wrote_in_it(app, client, make_activity):
    survey, _links = make_round(make_activity)  # its first prompt is in Arabic and Tigrinya too
    project = db.session.get(Project, survey.project_id)
    page = text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    assert "?lang=ti" not in page  # offered only once there is something to read in it
    _settings(project.id, texts={"ti": {"purposes": "ንምምሃር ካብ ተሞክሮ ተሳተፍቲ።"}})
    page = text_of(client.get(f"/privacy/{project.slug}?lang=en"))
    assert 'href="?lang=ti"' in page
    tigrinya = text_of(client.get(f"/privacy/{project.slug}?lang=ti"))
    assert 'lang="ti"' in tigrinya and "ንምምሃር ካብ ተሞክሮ ተሳተፍቲ።" in tigrinya
    assert "The rest of this statement is in English." in tigrinya
