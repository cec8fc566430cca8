"""The demo data set: the real LEARN project (IOM, 2022-2024), from the files in data/, and
a second, smaller project - the Integration+ pilot (data/integration_plus/) - beside it.

The activity register, organisations, codebook, abbreviations and good examples are facts
taken from the IOM report; the findings are written for the demo, drawn from that report.
Every record is found by a natural key before it is created, so loading twice adds nothing.
"""
from __future__ import annotations

import csv
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..activities.services import PartialDate, parse_partial_date
from ..auth.models import User
from ..extensions import db
from ..feedback.demo import load_feedback_demo
from ..findings.models import Contributor, Finding
from ..findings.services import set_translation
from ..glossary.models import GlossaryEntry
from ..organisations.models import Organisation, OrganisationAlias
from ..organisations.services import find_organisation
from ..photos.demo import load_photo_demo
from ..projects.models import Project, ProjectMembership
from ..privacy.demo import load_privacy_demo
from ..projects.scope import in_project
from ..reference.models import Abbreviation, GoodExample
from ..reports.demo import load_demo_report, load_report_survey_demo
from ..review.demo import load_review_demo
from ..surveys.demo import load_survey_demo
from ..themes.models import Theme


DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "klankbord-demo"
DEMO_USERS = (
    ("admin@klankbord.test", "Anna de Vries", "admin", "nl"),
    ("auteur@klankbord.test", "Bram Jansen", "author", "nl"),
    ("facilitator@klankbord.test", "Fatima El Amrani", "facilitator", "nl"),
    ("klankbord@klankbord.test", "Demo advisory board member", "advisor", "en"),
    ("reviewer@klankbord.test", "Ruud Bakker", "reviewer", "nl"),
)
#: Fixed namespace: a demo finding keeps its client_id across loads and machines.
DEMO_NAMESPACE = uuid.UUID("6f1d3c55-0d6a-4a43-9a53-6d1e2b8f4a10")
#: How the report writes a second talk with the same organisation.
_FOLLOW_UP = re.compile(r"\s+(?:[–-]\s+follow-up interview|1st interview|2nd interview)$", re.IGNORECASE)


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, bool]] = field(default_factory=list)


def _rows(name: str, base: Path = DATA) -> list[dict[str, str]]:
    with open(base / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def organisation_for_title(title: str) -> Organisation | None:
    """The organisation an appendix row names, follow-up interviews included."""
    return find_organisation(_FOLLOW_UP.sub("", title))


def _demo_user(email: str, name: str, role: str, locale: str) -> tuple[User, bool]:
    """The demo user with this address, made (with the demo password) when missing; and whether it was."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(email=email, name=name, role=role, locale=locale)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user, True


def _load_users(summary: DemoSummary) -> dict[str, User]:
    users = {}
    for email, name, role, locale in DEMO_USERS:
        user, created = _demo_user(email, name, role, locale)
        users[role] = user
        summary.users.append((email, role, created))
    db.session.flush()
    summary.counts["users"] = sum(1 for *_, created in summary.users if created)
    return users


def _load_organisations() -> int:
    new = 0
    for row in _rows("organisations.csv"):
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == row["name"]))
        if organisation is None:
            organisation = Organisation(name=row["name"], stakeholder_type=row["type"], notes="")
            db.session.add(organisation)
            new += 1
        known = {organisation.name.lower(), *(a.alias.lower() for a in organisation.aliases)}
        for alias in filter(None, (a.strip() for a in row["aliases"].split(";"))):
            if alias.lower() not in known:
                organisation.aliases.append(OrganisationAlias(alias=alias))
                known.add(alias.lower())
    db.session.flush()
    return new


def _load_themes(base: Path = DATA) -> int:
    new = 0
    by_code = {t.code: t for t in db.session.scalars(select(Theme))}
    for position, row in enumerate(_rows("themes.csv", base)):
        if row["code"] in by_code:
            continue
        theme = Theme(code=row["code"], theme_group=row["group"], label_en=row["label_en"],
                      label_nl=row["label_nl"], position=position,
                      parent=by_code[row["parent"]] if row["parent"] else None)
        db.session.add(theme)
        by_code[theme.code] = theme
        new += 1
    db.session.flush()
    return new


def _parse_period(text: str) -> tuple[PartialDate | None, PartialDate | None]:
    start, _, end = text.partition("/")
    return parse_partial_date(start), parse_partial_date(end) if end else None


def _load_activities(facilitator: User) -> int:
    new = 0
    existing = {(a.type, a.number) for a in db.session.scalars(select(Activity))}
    for row in _rows("activities.csv"):
        key = (row["type"], int(row["number"]))
        if key in existing:
            continue
        starts, ends = _parse_period(row["date"])
        activity = Activity(type=key[0], number=key[1], title=row["title_or_organisation"],
                            format=row["format"] or None, status="held",
                            starts_on=starts.value if starts else None,
                            ends_on=ends.last_day if ends else None,
                            date_precision=starts.precision if starts else "day", notes="")
        if key[0] in ("consultation", "field_test"):
            organisation = organisation_for_title(row["title_or_organisation"])
            if organisation is None:
                raise LookupError(f"demo data: no organisation for {key}")
            activity.organisations = [organisation]
        if key[0] in ("ln_meeting", "maab", "kickoff"):
            activity.facilitator = facilitator
        db.session.add(activity)
        new += 1
    db.session.flush()
    return new


def _name_register() -> int:
    """Dutch and English titles of the activities and names of the organisations, as the report
    prints them (data/register_names.json); fills only what is empty, so loading twice changes nothing."""
    import json

    names = json.loads((DATA / "register_names.json").read_text(encoding="utf-8"))
    changed = 0
    for activity in db.session.scalars(select(Activity)):
        texts = names["activities"].get(f"{activity.type}:{activity.number}", {})
        for language in ("nl", "en"):
            if texts.get(language) and not getattr(activity, f"title_{language}"):
                setattr(activity, f"title_{language}", texts[language])
                changed += 1
    for organisation in db.session.scalars(select(Organisation)):
        texts = names["organisations"].get(organisation.name, {"nl": organisation.name, "en": organisation.name})
        for language in ("nl", "en"):
            if not getattr(organisation, f"display_name_{language}"):
                setattr(organisation, f"display_name_{language}", texts[language])
                changed += 1
    db.session.flush()
    return changed


def _load_reference() -> tuple[int, int]:
    new_abbreviations = new_examples = 0
    known = set(db.session.scalars(select(Abbreviation.abbreviation)))
    for row in _rows("abbreviations.csv"):
        if row["abbreviation"] not in known:
            db.session.add(Abbreviation(**row))
            new_abbreviations += 1
    titles = set(db.session.scalars(select(GoodExample.title_en)))
    for row in _rows("good_examples.csv"):
        # A library any report of the project can draw on, each example with its source; the
        # LEARN report itself shows its own boxes (reports/demo_data), as the IOM report does.
        if row["title_en"] not in titles:
            db.session.add(GoodExample(**{name: value or (None if name.endswith("_nl") else "")
                                          for name, value in row.items()}))
            new_examples += 1
    db.session.flush()
    return new_abbreviations, new_examples


#: Made-up people who say the fictional example's quotes (activity "sample:1"): the key used in
#: findings.csv, their pseudonym number (after the board's nine) and their language.
SAMPLE_PEOPLE = {"S1": (10, "ar"), "S2": (11, "ti"), "S3": (12, "en"), "S4": (13, "ar"), "S5": (14, "nl")}


def _findings_by_key() -> dict[str, Finding]:
    """The demo findings by their key in findings.csv (a finding's client id is made from its row)."""
    ids = {row["key"]: uuid.uuid5(DEMO_NAMESPACE, f"{row['activity']}|{row['text']}") for row in _rows("findings.csv")}
    by_client = {f.client_id: f for f in db.session.scalars(
        select(Finding).where(Finding.client_id.in_(list(ids.values()))).options(selectinload(Finding.activity)))}
    return {key: by_client[client_id] for key, client_id in ids.items() if client_id in by_client}


def _load_glossary() -> int:
    """One name per concept in LEARN (data/glossary.csv): the preferred terms and the ones they replace."""
    known = {(e.preferred_nl, e.preferred_en) for e in db.session.scalars(select(GlossaryEntry))}
    new = 0
    for row in _rows("glossary.csv"):
        if (row["preferred_nl"], row["preferred_en"]) in known:
            continue
        db.session.add(GlossaryEntry(preferred_nl=row["preferred_nl"], preferred_en=row["preferred_en"],
                                     deprecated_nl="\n".join(row["deprecated_nl"].split(";")),
                                     deprecated_en="\n".join(row["deprecated_en"].split(";")),
                                     activity_type=row["activity_type"] or None, note=row["note"]))
        new += 1
    db.session.flush()
    return new


def _advisory_members() -> dict[str, Contributor]:
    """The nine members of the Migrant Ambassador Advisory Board (pseudonyms only; the IOM report
    quotes none of them, so no finding is theirs), and the made-up people of the fictional example,
    marked `sample`: every quote in the demo is theirs, never a board member's."""
    members = {c.pseudonym_number: c for c in db.session.scalars(
        select(Contributor).where(Contributor.kind == "advisory_member"))}
    for number in range(1, 10):
        if number not in members:
            members[number] = Contributor(kind="advisory_member", pseudonym_number=number, language="nl")
            db.session.add(members[number])
    people = {}
    for key, (number, language) in SAMPLE_PEOPLE.items():
        if number not in members:
            members[number] = Contributor(
                kind="advisory_member", pseudonym_number=number, language=language, sample=True,
                consent_given_at=datetime(2023, 6, 1, 10, tzinfo=timezone.utc),
                consent_scope="Demo: a fictional person, made up to show quotes in several languages.")
            db.session.add(members[number])
        people[key] = members[number]
    db.session.flush()
    return people


def _load_findings(author: User, base: Path = DATA) -> int:
    path = base / "findings.csv"
    if not path.exists():
        return 0
    activities = {(a.type, a.number): a for a in db.session.scalars(select(Activity))}
    themes = {t.code: t for t in db.session.scalars(select(Theme))}
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    known = set(db.session.scalars(select(Finding.client_id)))
    members = _advisory_members() if base == DATA else {}
    new = 0
    for index, row in enumerate(_rows("findings.csv", base)):
        activity_type, _, number = row["activity"].partition(":")
        activity = activities[(activity_type, int(number))]
        client_id = uuid.uuid5(DEMO_NAMESPACE, f"{row['activity']}|{row['text']}")
        if client_id in known:
            continue
        day = activity.starts_on or date(2023, 6, 1)
        finding = Finding(
            client_id=client_id, activity=activity, text=row["text"], language=row["language"], kind=row["kind"],
            stakeholder_type=row["stakeholder_type"] or None,
            organisation=organisations[row["organisation"]] if row.get("organisation") else None,
            contributor=members[row["contributor"]] if row.get("contributor") else None,
            # The place in the seed document a finding summarises; how it may be attributed in print.
            source_reference=row.get("source_reference", ""), verbatim=bool(row.get("verbatim")),
            attribution=row.get("attribution") or "stakeholder_type",
            author=author, themes=[themes[code] for code in row["themes"].split(";") if code],
            # Spread over the meeting's hours, so "latest captures" reads like a real day.
            created_at=datetime.combine(day, time(10), tzinfo=timezone.utc) + timedelta(minutes=7 * (index % 40)),
        )
        for language in ("nl", "en"):  # staff translations, checked: what the reports print beneath
            if row.get(f"translation_{language}") and language != row["language"]:
                set_translation(finding, language, row[f"translation_{language}"], checked=True)
        db.session.add(finding)
        known.add(client_id)
        new += 1
    db.session.flush()
    return new


#: The second, smaller project (from ../shared/seeds: the Integration+ pilot of Region Hart
#: van Brabant, Includ-EU): its own codebook, activities numbered from 1, findings in Dutch and
#: English, and a user who belongs only to it.
PILOT = {"slug": "integration-plus", "name_nl": "Inburgering+ pilot Regio Hart van Brabant",
         "name_en": "Integration+ pilot Region Hart van Brabant",
         "description_nl": "Persoonlijke paden naar inburgering en werk (2020-2022), met steun van Includ-EU.",
         "description_en": "Personal paths towards integration and work (2020-2022), supported by Includ-EU.",
         "starts_on": date(2020, 9, 1), "ends_on": date(2022, 12, 31)}
PILOT_LEAD = "Regio Hart van Brabant"
PILOT_USER = ("pilot@klankbord.test", "Petra van den Heuvel", "facilitator", "nl")


def _project(slug: str, **fields) -> Project:
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        project = Project(slug=slug, status="active", **fields)
        db.session.add(project)
        db.session.flush()
    return project


def _member(project: Project, user: User, role: str) -> None:
    if role == "admin":
        return  # administrators see every project
    if db.session.scalar(select(ProjectMembership).where(ProjectMembership.project_id == project.id,
                                                         ProjectMembership.user_id == user.id)) is None:
        db.session.add(ProjectMembership(project_id=project.id, user_id=user.id, role=role))


def _load_pilot(summary: DemoSummary) -> None:
    """The Integration+ pilot: found by its natural keys like LEARN, so a second load adds nothing."""
    base = DATA / "integration_plus"
    lead = db.session.scalar(select(Organisation).where(Organisation.name == PILOT_LEAD))
    if lead is None:
        lead = Organisation(name=PILOT_LEAD, stakeholder_type="municipality", notes="")
        db.session.add(lead)
        db.session.flush()
    pilot = _project(PILOT["slug"], lead_organisation_id=lead.id,
                     **{key: value for key, value in PILOT.items() if key != "slug"})
    email, name, role, locale = PILOT_USER
    user, created = _demo_user(email, name, role, locale)
    db.session.flush()
    summary.users.append((email, f"{role} ({PILOT['slug']} only)", created))
    _member(pilot, user, role)
    with in_project(pilot):
        summary.counts["pilot themes"] = _load_themes(base)
        new = 0
        existing = {(a.type, a.number) for a in db.session.scalars(select(Activity))}
        for row in _rows("activities.csv", base):
            key = (row["type"], int(row["number"]))
            if key in existing:
                continue
            starts = parse_partial_date(row["date"])
            db.session.add(Activity(type=key[0], number=key[1], title=row["title"], format=row["format"] or None,
                                    status="held", starts_on=starts.value, date_precision=starts.precision,
                                    notes="", facilitator=user, organisations=[lead]))
            new += 1
        db.session.flush()
        summary.counts["pilot activities"] = new
        summary.counts["pilot findings"] = _load_findings(user, base)


def load_demo() -> DemoSummary:
    summary = DemoSummary()
    users = _load_users(summary)
    learn = _project("learn", name_nl="LEARN", name_en="LEARN",
                     description_nl="Lerend netwerk voor arbeidsparticipatie van statushouders (IOM, 2022-2024).",
                     description_en="Learning network for the labour participation of permit holders (IOM, 2022-2024).",
                     starts_on=date(2022, 6, 1), ends_on=date(2024, 12, 31))
    for (_email, _name, role, _locale) in DEMO_USERS:
        _member(learn, users[role], role)
    with in_project(learn):
        _load_learn(summary, users)
    _load_pilot(summary)
    load_privacy_demo(learn)  # the statement's texts; the periods are the defaults
    db.session.commit()
    return summary


def _load_learn(summary: DemoSummary, users: dict[str, User]) -> None:
    summary.counts["organisations"] = _load_organisations()
    summary.counts["themes"] = _load_themes()
    summary.counts["activities"] = _load_activities(users["facilitator"])
    _name_register()
    summary.counts["abbreviations"], summary.counts["good examples"] = _load_reference()
    summary.counts["findings"] = _load_findings(users["facilitator"])
    summary.counts["glossary entries"] = _load_glossary()
    summary.counts["photos"] = load_photo_demo(users["facilitator"])
    summary.counts["reports"] = load_demo_report(_findings_by_key())
    summary.counts["survey responses"] = load_survey_demo()
    summary.counts["advisory-board feedback"] = load_feedback_demo()
    summary.counts["review rounds"] = load_review_demo()
    # needs the report and the survey demo above
    summary.counts["survey results in the report"] = load_report_survey_demo()
