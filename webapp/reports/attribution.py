"""How a report prints who said what: its sources named as consent allows (findings/attribution.py).

Quotation marks and the quote box only for verbatim words whose attribution is allowed
(`may_quote`); everything else is a summary and prints as running text with its source. An
activity is named by its title only when it names no organisation that did not consent (a
consultation is titled with the organisation it was held with); otherwise by its type.
"""
from __future__ import annotations

from flask_babel import force_locale

from ..activities.models import Activity
from ..findings.attribution import may_quote, resolve, stakeholder_type_of
from ..findings.models import Finding
from ..i18n import RTL_LANGUAGES
from .labels import label
from .texts import activity_title, organisation_name

#: "a municipality", "an employer": how a report names a source by its kind (labels.py, per language).
STAKEHOLDER_PHRASE = {
    "municipality": "by_municipality", "employer": "by_employer", "education": "by_education", "ngo": "by_ngo",
    "network": "by_network", "government": "by_government", "government_advisory": "by_government_advisory",
    "knowledge_institute": "by_knowledge_institute", "learn_work_desk": "by_learn_work_desk",
    "employer_service_point": "by_employer_service_point", "permit_holder": "by_permit_holder",
    "other": "by_other",
}


def attributed_to(finding: Finding, language: str) -> str:
    """Who the report says it comes from: an organisation, a pseudonym, "a municipality" or ""."""
    mode = resolve(finding).mode
    if mode == "organisation":
        return organisation_name(finding.organisation, language)
    if mode == "pseudonym":
        with force_locale(language):
            return str(finding.contributor.pseudonym)
    if mode == "stakeholder_type":
        phrase = STAKEHOLDER_PHRASE.get(stakeholder_type_of(finding) or "")
        return label(phrase, language) if phrase else ""
    return ""


def activity_label(activity: Activity, language: str, type_label) -> str:
    """The activity as a source: its title, unless that names an organisation that did not consent
    to be named (a consultation's title is its organisation); then its type (`type_label(code)`)."""
    if any(not organisation.may_be_named for organisation in activity.organisations):
        return type_label(activity.type)
    return activity_title(activity, language)


def source_line(finding: Finding, language: str, type_label) -> str:
    """ "Individual consultation, an employer": the activity and who, each named once."""
    where = activity_label(finding.activity, language, type_label)
    who = attributed_to(finding, language)
    return f"{where}, {who}" if who and who != where else where


def printed_text(finding: Finding, language: str) -> dict:
    """A finding's words as a report in `language` prints them: the original with its language and
    direction, and beneath it the translation into `language` ("" when the original is in it)."""
    translation = "" if finding.language == language else finding.translation_in(language)
    return {"id": finding.id, "text": finding.text, "language": finding.language,
            "dir": "rtl" if finding.language in RTL_LANGUAGES else "ltr",
            "translation": translation, "untranslated": finding.language != language and not translation}


def printed_evidence(links: list, language: str, quoted_in_report: set[int], type_label) -> list[dict]:
    """The findings printed under a recommendation (its links marked `quoted`), each once per report.

    A quote (`may_quote`) prints in quotation marks in the quote box, original and translation,
    with who said it; a summary prints as running text in the report's language (the translation
    when the original is in another language) with its source in brackets.
    """
    printed = []
    for link in links:
        finding = link.finding
        if not link.quoted or finding.id in quoted_in_report:
            continue
        quoted_in_report.add(finding.id)
        entry = printed_text(finding, language)
        entry["quote"] = may_quote(finding)
        if entry["quote"]:
            entry["by"] = attributed_to(finding, language) or activity_label(finding.activity, language, type_label)
        else:
            entry["by"] = source_line(finding, language, type_label)
        printed.append(entry)
    return printed


def annex_entry(finding: Finding, language: str, type_label) -> dict:
    """A finding in the evidence annex: its words, and its source named once, without database ids."""
    return {**printed_text(finding, language), "source": source_line(finding, language, type_label)}
