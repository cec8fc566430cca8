"""Demo: a fictional feedback round (sample data) after the fictional example conversation
(activity "sample:1"), with three made-up members' answers (Tigrinya, Arabic and Dutch) already
sent, one of them with a staff translation. The members are the demo's fictional persons
(`Contributor.sample`, webapp/demo/services.py), never the advisory board of LEARN: the IOM
report quotes none of its members. Each answers in the language they are registered with, and
every prompt has an Arabic and a Tigrinya text."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from ..activities.models import Activity
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..findings.services import input_from_finding, update_finding
from ..surveys.models import Survey
from ..surveys.answering import parse_answers
from ..surveys.services import open_survey
from .services import (RoundInput, add_prompt, give_consent, invite_members, save_round, set_translation,
                       submit_feedback)

TITLE_EN = "Fictional example: feedback after a conversation"
DEMO_NAMESPACE = uuid.UUID("9b1d7f3a-5c2e-4e8b-a6d4-3f0c2b1e7d55")
#: The themes staff gave each answer (prompt 1, prompt 2), as on any finding.
THEMES = {
    11: (["participation-integration"], ["accompaniment", "workplace-inclusion"]),
    13: (["participation-integration"], ["modular-education", "recruitment-transition"]),
    14: (["participation-integration"], ["language-curriculum", "hands-on-learning"]),
}
ANSWERS = {
    # pseudonym number: (language, [answer to prompt 1, answer to prompt 2], Dutch translation or "")
    # the fictional persons' numbers and languages of webapp/demo/services.py SAMPLE_PEOPLE (11: ti, 13: ar, 14: nl)
    11: ("ti", ["ብቛንቋይ ክዛረብ ምኽኣለይ ኣዝዩ ሓጊዙኒ።", "ካብ መጀመርታ ኣብ ስራሕ ዝፈልጦ ሰብ ክህሉ የድሊ።"], ""),
    13: ("ar", ["شعرت أن رأيي مهم، لأن الجميع استمع إليّ.",
               "أتمنى أن تعترف البلديات بخبرتي المهنية من بلدي قبل أن تطلب مني دورة جديدة."],
        "Ik had het gevoel dat mijn mening telde, omdat iedereen naar me luisterde."),
    14: ("nl", ["Goed dat we in onze eigen taal mochten praten.",
               "Vraag werkgevers om ook een proefplaatsing aan te bieden zonder taaleis vooraf."], ""),
}


def load_feedback_demo() -> int:
    """Create the demo round once; returns the number of members whose answers were added."""
    if db.session.scalar(select(Survey).where(Survey.title_en == TITLE_EN)) is not None:
        return 0
    activity = db.session.scalar(select(Activity).where(Activity.type == "sample", Activity.number == 1))
    members = {c.pseudonym_number: c for c in db.session.scalars(
        select(Contributor).where(Contributor.kind == "advisory_member", Contributor.sample.is_(True)))}
    if activity is None or not all(number in members for number in ANSWERS):
        return 0
    survey = save_round(None, RoundInput(
        activity_id=activity.id, title_nl="Fictief voorbeeld: terugblik op een gesprek", title_en=TITLE_EN,
        intro_nl="Voorbeeldgegevens. Twee vragen over het gesprek. Schrijf in de taal die je het prettigst vindt.",
        intro_en="Sample data. Two questions about the conversation. Write in the language you are most at ease in.",
        extra={"ar": {"title": "مثال خيالي: مراجعة محادثة",
                      "intro": "سؤالان عن الجلسة. يمكنك الكتابة باللغة الأسهل لديك."}}))
    add_prompt(survey, "Wat vond je van de sessie?", "What did you think of the session?",
               {"ar": "ما رأيك في الجلسة؟", "ti": "ብዛዕባ እቲ ኣኼባ እንታይ ተሰሚዑኩም?"})
    add_prompt(survey, "Wat moet er volgens jou veranderen voor nieuwkomers die werk zoeken?",
               "What should change for newcomers looking for work?",
               {"ar": "ما الذي يجب أن يتغيّر برأيك للقادمين الجدد الذين يبحثون عن عمل؟",
                "ti": "ስራሕ ንዝደልዩ ሓደስቲ መጻእቲ እንታይ ክቕየር ኣለዎ ትብሉ?"})
    open_survey(survey)
    links = invite_members(survey, [members[n] for n in sorted(members)], days=30)
    first, second = survey.questions
    added = 0
    for link in links:
        number = link.contributor.pseudonym_number
        if number not in ANSWERS:
            continue
        language, texts, translation = ANSWERS[number]
        give_consent(link, "Demo: consent given on the consent page.")
        form = {f"q{first.id}": [texts[0]], f"q{second.id}": [texts[1]]}
        response, _created = submit_feedback(link, parse_answers(survey, lambda key: form.get(key, [])),
                                             uuid.uuid5(DEMO_NAMESPACE, str(number)).hex, "nl", language)
        for answer in response.answers:
            finding = db.session.get(Finding, answer.finding_id)
            data = input_from_finding(finding)
            data.theme_codes = THEMES[number][0 if answer.question_id == first.id else 1]
            update_finding(finding, data)
            if translation and answer.question_id == first.id:
                set_translation(finding, translation, "nl")
        added += 1
    return added
