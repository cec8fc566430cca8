"""The report's fixed texts (headings, captions, methodology sentences).

They are *content of the report*: chosen by the report's language, not by the interface
language, so a Dutch build is Dutch throughout even when the person building it reads the
screens in English. They go through Babel like every other string (context "report", so
"Funding" as a heading can differ from "Funding" elsewhere); `label()` renders them with
the catalog of the report's language (no request or app context needed: the CLI and the
build worker call it too). tests/test_i18n.py fails when the Dutch catalog lacks one.
"""
from __future__ import annotations

from functools import lru_cache

from babel.support import Translations

from ..config import Config


def _lp(context: str, message: str) -> str:
    """Marks a fixed text for extraction (`pybabel extract -k _lp:1c,2`); `label()` translates it."""
    return message


def _lnp(context: str, singular: str, plural: str) -> tuple[str, str]:
    """Marks a fixed text with a plural (`pybabel extract -k _lnp:1c,2,3`); `label_n()` translates it."""
    return singular, plural


#: Fixed texts that depend on a number: "1 organisation", "2 organisations".
PLURAL_LABELS = {
    "n_findings": _lnp("report", "%(n)s finding", "%(n)s findings"),
    "n_activities": _lnp("report", "%(n)s activity", "%(n)s activities"),
    "n_organisations": _lnp("report", "%(n)s organisation", "%(n)s organisations"),
    "n_contributions": _lnp("report", "%(n)s contribution", "%(n)s contributions"),
}

LABELS = {
    "contents": _lp("report", "Table of contents"),
    "c_title": _lp("report", "Title"),
    "c_keywords": _lp("report", "Keywords"),
    # How a report names the source of a finding by its kind (reports/attribution.py).
    "by_municipality": _lp("report", "a municipality"),
    "by_employer": _lp("report", "an employer"),
    "by_education": _lp("report", "an educational institution"),
    "by_ngo": _lp("report", "a civil society organisation"),
    "by_network": _lp("report", "a network or branch organisation"),
    "by_government": _lp("report", "central government"),
    "by_government_advisory": _lp("report", "a government advisory body"),
    "by_knowledge_institute": _lp("report", "a knowledge institute"),
    "by_learn_work_desk": _lp("report", "a learning and working desk"),
    "by_employer_service_point": _lp("report", "an employer service point"),
    "by_permit_holder": _lp("report", "a permit holder"),
    "by_other": _lp("report", "another stakeholder"),
    "colophon": _lp("report", "Colophon"),
    "acknowledgements": _lp("report", "Acknowledgements"),
    "abbreviations": _lp("report", "Abbreviation list"),
    "abbreviation": _lp("report", "Abbreviation"),
    "definition": _lp("report", "Definition"),
    "executive_summary": _lp("report", "Executive summary"),
    "methodology": _lp("report", "Methodology"),
    "scope": _lp("report", "Scope"),
    "problem_analysis": _lp("report", "Problem analysis"),
    "recommendations": _lp("report", "Recommendations"),
    "recommendation": _lp("report", "Recommendation"),
    "good_example": _lp("report", "Good example"),
    "place": _lp("report", "Place"),
    "target_group": _lp("report", "Target group"),
    "partners": _lp("report", "Partners"),
    "results": _lp("report", "Results"),
    "funding": _lp("report", "Funding"),
    "evidence_basis": _lp("report", "Evidence"),
    "evidence_sentence": _lp("report", "%(findings)s from %(activities)s (%(types)s)"),
    "evidence_sentence_orgs": _lp("report", "%(findings)s from %(activities)s (%(types)s) and %(organisations)s"),
    "no_evidence": _lp("report", "No evidence linked yet."),
    "translation_from": _lp("report", "Translated from %(language)s"),
    "box": _lp("report", "Box %(n)s"),
    "project": _lp("report", "The project"),
    "literature_review": _lp("report", "Literature review"),
    "m_kickoff_themes": _lp("report", "The participants gave their input on these themes:"),
    "m_topics": _lp("report", "The meetings discussed these topics:"),
    "m_transversal": _lp("report", "Themes that cut across all topics and were discussed at every meeting:"),
    "appendix_e": _lp("report", "Appendix E. How the review was used"),
    "comment": _lp("report", "Comment"),
    "disposition": _lp("report", "What was done with it"),
    "about": _lp("report", "About"),
    "whole_report": _lp("report", "The whole report"),
    "keywords": _lp("report", "labour market inclusion, permit holders, work-study programmes, recommendations"),
    "appendices": _lp("report", "Appendices"),
    "appendix_a": _lp("report", "Appendix A. Learning network meetings"),
    "appendix_b": _lp("report", "Appendix B. Individual consultations"),
    "appendix_c": _lp("report", "Appendix C. Testing with the field"),
    "appendix_d": _lp("report", "Appendix D. Evidence per recommendation"),
    "number": _lp("report", "No."),
    "date": _lp("report", "Date"),
    "title": _lp("report", "Type and title"),
    "organisation": _lp("report", "Organisation"),
    "page": _lp("report", "Page"),
    "date_unknown": _lp("report", "date unknown"),
    "missing_text": _lp("report", "[text missing]"),
    "authors": _lp("report", "Authors"),
    "notes": _lp("report", "Notes"),
    # Methodology: one paragraph per kind of activity, numbers and dates from the activity register.
    "m_intro": _lp("report", "The recommendations in this report are based on data collected between %(first)s "
                   "and %(last)s during the following activities."),
    "m_kickoff": _lp("report", "Kick-off meeting"),
    "m_kickoff_text": _lp("report", "The kick-off meeting took place on %(date)s: %(title)s."),
    "m_ln_meeting": _lp("report", "%(n)s learning network meetings"),
    "m_ln_meeting_text": _lp("report", "Between %(first)s and %(last)s the learning network met %(n)s times, in "
                   "workshops and working visits. Appendix A lists every meeting."),
    "m_consultation": _lp("report", "%(n)s individual consultations"),
    "m_consultation_text": _lp("report", "Between %(first)s and %(last)s, %(n)s conversations were held with "
                   "%(organisations)s in the field. Appendix B lists them."),
    "m_exchange": _lp("report", "%(n)s international exchanges"),
    "m_exchange_text": _lp("report", "To learn from other EU member states, %(n)s exchanges took place: %(list)s."),
    "m_maab": _lp("report", "%(n)s consultation rounds with the Migrant Ambassador Advisory Board"),
    "m_maab_text": _lp("report", "In %(n)s consultation rounds, (former) permit holders shared their experiences."),
    "m_maab_text_members": _lp("report", "In %(n)s consultation rounds, %(members)s (former) permit holders shared "
                               "their experiences."),
    "source": _lp("report", "Source"),
    "m_taking_stock": _lp("report", "%(n)s taking-stock sessions"),
    "m_taking_stock_text": _lp("report", "In %(date)s the first results were discussed in %(n)s taking-stock "
                   "sessions with representatives of the ministry and advisors of the learning network."),
    "m_field_test": _lp("report", "Testing with the field"),
    "m_field_test_text": _lp("report", "In %(period)s a draft version was tested: %(contributions)s from "
                   "%(organisations)s. Appendix C lists them."),
    "m_findings": _lp("report", "Together the activities produced %(n)s recorded findings; each recommendation "
                   "refers to the findings that support it."),
    "and": _lp("report", "and"),
    # Survey results placed in a chapter (webapp/surveys summaries, built in the report's language).
    "survey_results": _lp("report", "Survey results"),
    "survey_responses": _lp("report", "Number of responses: %(n)s"),
    "figure_caption": _lp("report", "Figure: %(label)s (n = %(n)s)"),
    "photo_figure": _lp("report", "Photo %(n)s"),
    "several_answers": _lp("report", "More than one answer possible."),
    "likert_mean": _lp("report", "Average score: %(mean)s on a scale of 1 to 5."),
    "number_stats": _lp("report", "Average %(mean)s (lowest %(min)s, highest %(max)s; n = %(n)s)."),
    "survey_section": _lp("report", "Survey results: %(title)s"),
    "chart_alt": _lp("report", "Bar chart of the answers to “%(label)s” (n = %(n)s). %(values)s."),
    "chart_table": _lp("report", "The numbers in the chart"),
    "answer": _lp("report", "Answer"),
    "count": _lp("report", "Count"),
    "percentage": _lp("report", "Percentage"),
}


@lru_cache(maxsize=None)
def _catalog(language: str) -> Translations:
    # English is the msgid itself: no catalog, so Babel hands back null translations.
    return Translations.load(Config.BABEL_TRANSLATION_DIRECTORIES, [language])


def label(key: str, language: str, **values) -> str:
    """The fixed text `key` in `language` (nl or en), with `values` filled in."""
    text = _catalog(language).pgettext("report", LABELS[key])
    return text % values if values else text


def label_n(key: str, language: str, n: int, **values) -> str:
    """The fixed text `key` in `language` in the form for the number `n` ("1 organisation")."""
    singular, plural = PLURAL_LABELS[key]
    return _catalog(language).npgettext("report", singular, plural, n) % {"n": n, **values}
