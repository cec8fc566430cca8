"""Demo: a fictional evaluation survey (sample data, made up to show surveys and their charts in
a report): three dozen responses in Dutch and English to the evaluation of a fictional example
meeting (activity "sample:2"). The IOM report mentions no survey, so neither its meeting nor its
answers are LEARN's. Left open, so the demo can show the public link, the QR code and kiosk mode too."""
from __future__ import annotations

import random
import uuid

from sqlalchemy import func, select

from ..activities.models import Activity
from ..extensions import db
from .models import Response, Survey
from .answering import parse_answers, submit_response
from .services import QuestionInput, SurveyInput, open_survey, save_question, save_survey

TITLE_EN = "Fictional example: evaluation of a meeting"
DEMO_NAMESPACE = uuid.UUID("2f7a8f0e-1c4b-4d8e-9a3f-6c5b4e3d2a10")
RESPONSES = 36
COMMENTS = [
    ("nl", "Meer tijd voor het gesprek met de werkgevers, minder presentaties."),
    ("nl", "Graag een vervolg over taal op de werkvloer: hoe begeleid je dat als leidinggevende?"),
    ("en", "It would help to hear directly from permit holders who went through a practical learning route."),
    ("nl", "Nodig ook UWV en het onderwijs uit, die ontbraken nu."),
    ("en", "Share the examples of the municipalities afterwards, please."),
    ("nl", "De financiering van praktijkleren blijft onduidelijk; daar een aparte sessie over."),
]


def load_survey_demo() -> int:
    """Create the demo survey once; returns the number of responses added."""
    if db.session.scalar(select(Survey).where(Survey.title_en == TITLE_EN)) is not None:
        return 0
    activity = db.session.scalar(select(Activity).where(Activity.type == "sample", Activity.number == 2))
    survey = save_survey(None, SurveyInput(
        title_nl="Fictief voorbeeld: evaluatie van een bijeenkomst", title_en=TITLE_EN,
        intro_nl="Voorbeeldgegevens. Vijf korte vragen over de bijeenkomst van vandaag. Je antwoorden zijn anoniem.",
        intro_en="Sample data. Five short questions about today's meeting. Your answers are anonymous.",
        activity_id=activity.id if activity else None))
    for data in (
        QuestionInput("single_choice", "Vanuit welke rol was je er?", "In which role did you attend?", required=True,
                      options_text="Gemeente | Municipality\nWerkgever | Employer\nOnderwijs | Education\n"
                                   "Maatschappelijke organisatie | Civil society organisation\n"
                                   "Statushouder | Permit holder"),
        QuestionInput("likert", "De bijeenkomst was nuttig voor mijn werk.", "The meeting was useful for my work.",
                      required=True),
        QuestionInput("multiple_choice", "Welke onderdelen wil je terugzien?", "Which parts would you like again?",
                      help_nl="Kies er zoveel als je wilt.", help_en="Choose as many as you like.",
                      options_text="Presentaties | Presentations\nGesprek in groepen | Group discussion\n"
                                   "Werkbezoek | Working visit\nNetwerken | Networking"),
        QuestionInput("number", "Met hoeveel nieuwe mensen heb je gesproken?", "How many new people did you talk to?",
                      min_value=0, max_value=50),
        QuestionInput("text", "Wat kan er beter bij een volgende bijeenkomst?",
                      "What could be better at a next meeting?"),
    ):
        save_question(survey, None, data)
    open_survey(survey)

    rng = random.Random(9)  # the same demo on every machine
    role, likert, parts, number, text = survey.questions
    for index in range(RESPONSES):
        language, comment = COMMENTS[index % len(COMMENTS)] if index % 3 == 0 else (rng.choice(["nl", "en"]), "")
        form = {
            f"q{role.id}": [rng.choices(["1", "2", "3", "4", "5"], weights=[5, 3, 1, 2, 1])[0]],
            f"q{likert.id}": [rng.choices(["1", "2", "3", "4", "5"], weights=[1, 1, 3, 6, 4])[0]],
            f"q{parts.id}": rng.sample(["1", "2", "3", "4"], rng.randint(0, 3)),
            f"q{number.id}": [str(rng.randint(0, 8))] if index % 5 else [],
            f"q{text.id}": [comment],
        }
        parsed = parse_answers(survey, lambda key: form.get(key, []))
        submit_response(survey, parsed, uuid.uuid5(DEMO_NAMESPACE, str(index)).hex, language,
                        day=activity.starts_on if activity and activity.starts_on else None)
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id))
