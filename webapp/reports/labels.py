"""The report's fixed texts (headings, captions, methodology sentences) in both report languages.

These are *content of the report*, chosen by the report's language, not by the interface
language: a Dutch build must be Dutch throughout even when the person building it reads the
screens in English, and a missing catalog entry must never slip an English heading into it.
`tests/test_report_build.py` checks that both languages have every key.
"""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "contents": {"nl": "Inhoudsopgave", "en": "Table of contents"},
    "colophon": {"nl": "Colofon", "en": "Colophon"},
    "acknowledgements": {"nl": "Dankwoord", "en": "Acknowledgements"},
    "abbreviations": {"nl": "Lijst met afkortingen", "en": "Abbreviation list"},
    "abbreviation": {"nl": "Afkorting", "en": "Abbreviation"},
    "definition": {"nl": "Betekenis", "en": "Definition"},
    "executive_summary": {"nl": "Samenvatting", "en": "Executive summary"},
    "methodology": {"nl": "Methodologie", "en": "Methodology"},
    "scope": {"nl": "Afbakening", "en": "Scope"},
    "problem_analysis": {"nl": "Probleemanalyse", "en": "Problem analysis"},
    "recommendations": {"nl": "Aanbevelingen", "en": "Recommendations"},
    "recommendation": {"nl": "Aanbeveling", "en": "Recommendation"},
    "good_example": {"nl": "Goed voorbeeld", "en": "Good example"},
    "place": {"nl": "Plaats", "en": "Place"},
    "target_group": {"nl": "Doelgroep", "en": "Target group"},
    "partners": {"nl": "Partners", "en": "Partners"},
    "results": {"nl": "Resultaten", "en": "Results"},
    "funding": {"nl": "Financiering", "en": "Funding"},
    "evidence_basis": {"nl": "Onderbouwing", "en": "Evidence"},
    "evidence_count": {"nl": "%(n)s bevindingen uit %(activities)s activiteiten en %(organisations)s organisaties",
                       "en": "%(n)s findings from %(activities)s activities and %(organisations)s organisations"},
    "evidence_count_activities": {"nl": "%(n)s bevindingen uit %(activities)s activiteiten",
                                  "en": "%(n)s findings from %(activities)s activities"},
    "appendices": {"nl": "Bijlagen", "en": "Appendices"},
    "appendix_a": {"nl": "Bijlage A. Bijeenkomsten van het lerend netwerk",
                   "en": "Appendix A. Learning network meetings"},
    "appendix_b": {"nl": "Bijlage B. Individuele consultaties", "en": "Appendix B. Individual consultations"},
    "appendix_c": {"nl": "Bijlage C. Toetsing in het veld", "en": "Appendix C. Testing with the field"},
    "appendix_d": {"nl": "Bijlage D. Onderbouwing per aanbeveling", "en": "Appendix D. Evidence per recommendation"},
    "number": {"nl": "Nr.", "en": "No."},
    "date": {"nl": "Datum", "en": "Date"},
    "title": {"nl": "Type en titel", "en": "Type and title"},
    "organisation": {"nl": "Organisatie", "en": "Organisation"},
    "page": {"nl": "Pagina", "en": "Page"},
    "date_unknown": {"nl": "datum onbekend", "en": "date unknown"},
    "missing_text": {"nl": "[tekst ontbreekt]", "en": "[text missing]"},
    "authors": {"nl": "Auteurs", "en": "Authors"},
    "notes": {"nl": "Noten", "en": "Notes"},
    # Methodology: one paragraph per kind of activity, numbers and dates from the activity register.
    "m_intro": {"nl": "De aanbevelingen in dit rapport zijn gebaseerd op gegevens die tussen %(first)s en %(last)s "
                      "zijn verzameld tijdens de volgende activiteiten.",
                "en": "The recommendations in this report are based on data collected between %(first)s and "
                      "%(last)s during the following activities."},
    "m_kickoff": {"nl": "Startbijeenkomst", "en": "Kick-off meeting"},
    "m_kickoff_text": {"nl": "Op %(date)s vond de startbijeenkomst plaats: %(title)s.",
                       "en": "The kick-off meeting took place on %(date)s: %(title)s."},
    "m_ln_meeting": {"nl": "%(n)s bijeenkomsten van het lerend netwerk", "en": "%(n)s learning network meetings"},
    "m_ln_meeting_text": {"nl": "Tussen %(first)s en %(last)s kwam het lerend netwerk %(n)s keer bijeen, in "
                                "workshops en werkbezoeken. Bijlage A geeft een overzicht.",
                          "en": "Between %(first)s and %(last)s the learning network met %(n)s times, in workshops "
                                "and working visits. Appendix A lists every meeting."},
    "m_consultation": {"nl": "%(n)s individuele consultaties", "en": "%(n)s individual consultations"},
    "m_consultation_text": {"nl": "Tussen %(first)s en %(last)s zijn %(n)s gesprekken gevoerd met %(orgs)s "
                                  "organisaties uit het veld. Bijlage B geeft een overzicht.",
                            "en": "Between %(first)s and %(last)s, %(n)s conversations were held with %(orgs)s "
                                  "organisations in the field. Appendix B lists them."},
    "m_exchange": {"nl": "%(n)s internationale uitwisselingen", "en": "%(n)s international exchanges"},
    "m_exchange_text": {"nl": "Om te leren van andere EU-lidstaten vonden %(n)s uitwisselingen plaats: %(list)s.",
                        "en": "To learn from other EU member states, %(n)s exchanges took place: %(list)s."},
    "m_maab": {"nl": "%(n)s consultatierondes met de klankbordgroep statushouders",
               "en": "%(n)s consultation rounds with the Migrant Ambassador Advisory Board"},
    "m_maab_text": {"nl": "In %(n)s consultatierondes deelden (voormalige) statushouders hun ervaringen. Citaten "
                          "van leden van de klankbordgroep staan in dit rapport onder een pseudoniem.",
                    "en": "In %(n)s consultation rounds, (former) permit holders shared their experiences. Quotes "
                          "from advisory board members appear in this report under a pseudonym."},
    "m_taking_stock": {"nl": "%(n)s tussentijdse evaluatiesessies", "en": "%(n)s taking-stock sessions"},
    "m_taking_stock_text": {"nl": "In %(date)s zijn de eerste uitkomsten in %(n)s sessies besproken met "
                                  "vertegenwoordigers van het ministerie en adviseurs van het lerend netwerk.",
                            "en": "In %(date)s the first results were discussed in %(n)s sessions with "
                                  "representatives of the ministry and advisors of the learning network."},
    "m_field_test": {"nl": "Toetsing in het veld", "en": "Testing with the field"},
    "m_field_test_text": {"nl": "In %(period)s is een conceptversie getoetst: %(n)s bijdragen van %(orgs)s "
                                "organisaties. Bijlage C geeft een overzicht.",
                          "en": "In %(period)s a draft version was tested: %(n)s contributions from %(orgs)s "
                                "organisations. Appendix C lists them."},
    "m_findings": {"nl": "Alle activiteiten samen leverden %(n)s vastgelegde bevindingen op; de aanbevelingen "
                         "verwijzen naar de bevindingen die ze onderbouwen.",
                   "en": "Together the activities produced %(n)s recorded findings; each recommendation refers to "
                         "the findings that support it."},
    "and": {"nl": "en", "en": "and"},
    # Survey results placed in a chapter (webapp/surveys summaries, built in the report's language).
    "survey_results": {"nl": "Resultaten van enquêtes", "en": "Survey results"},
    "survey_responses": {"nl": "Aantal reacties: %(n)s", "en": "Number of responses: %(n)s"},
    "figure_caption": {"nl": "Figuur: %(label)s (n = %(n)s)", "en": "Figure: %(label)s (n = %(n)s)"},
    "several_answers": {"nl": "Meer antwoorden mogelijk.", "en": "More than one answer possible."},
    "likert_mean": {"nl": "Gemiddelde score: %(mean)s op een schaal van 1 tot 5.",
                    "en": "Average score: %(mean)s on a scale of 1 to 5."},
    "number_stats": {"nl": "Gemiddeld %(mean)s (laagste %(min)s, hoogste %(max)s; n = %(n)s).",
                     "en": "Average %(mean)s (lowest %(min)s, highest %(max)s; n = %(n)s)."},
    "answer": {"nl": "Antwoord", "en": "Answer"},
    "count": {"nl": "Aantal", "en": "Count"},
    "percentage": {"nl": "Percentage", "en": "Percentage"},
}


def label(key: str, language: str, **values) -> str:
    text = LABELS[key][language]
    return text % values if values else text
