"""The survey engine below the screens: building, the state machine, answering, anonymity,
results in a constant number of queries, export and findings from free text."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.surveys.models import Answer, Invitation, Response, Survey, SurveyStateError
from webapp.surveys.question_types import AnswerError
from webapp.surveys.answering import field_name, new_submission_token, parse_answers, submit_response
from webapp.surveys.exports import response_table, responses_csv, responses_xlsx
from webapp.surveys.results import answer_to_finding, summarise_survey, text_answer
from webapp.surveys.services import (QuestionInput, SurveyError, SurveyInput, close_survey, create_invitations,
                                     move_question, open_survey, save_question, save_survey)


@pytest.fixture
def english(app):
    """Labels, headers and messages in English (the Dutch catalog gets these strings later)."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield


def build_survey(activity_id: int | None = None, ask_name: bool = False, open_it: bool = True) -> Survey:
    """A meeting evaluation with one question of every type."""
    survey = save_survey(None, SurveyInput(title_nl="Evaluatie bijeenkomst", title_en="Meeting evaluation",
                                           intro_nl="Fijn dat je er was.", intro_en="Thanks for coming.",
                                           activity_id=activity_id, ask_name=ask_name))
    save_question(survey, None, QuestionInput("single_choice", "Wat is je rol?", "What is your role?", required=True,
                                              options_text="Gemeente | Municipality\nWerkgever | Employer\n"
                                                           "Statushouder | Permit holder"))
    save_question(survey, None, QuestionInput("multiple_choice", "Welke onderdelen waren nuttig?",
                                              "Which parts were useful?",
                                              options_text="Presentatie | Presentation\nWorkshop | Workshop\n"
                                                           "Netwerken | Networking"))
    save_question(survey, None, QuestionInput("likert", "De bijeenkomst was nuttig.", "The meeting was useful.",
                                              required=True))
    save_question(survey, None, QuestionInput("number", "Hoeveel collega's nam je mee?",
                                              "How many colleagues did you bring?", min_value=0, max_value=20))
    save_question(survey, None, QuestionInput("text", "Wat kan beter?", "What could be better?",
                                              help_en="One idea is enough."))
    if open_it:
        open_survey(survey)
    return survey


def form_for(survey: Survey, *answers) -> dict[str, list[str]]:
    """Form data as a browser sends it: answers in question order, lists for checkboxes."""
    data = {}
    for question, answer in zip(survey.questions, answers):
        if answer is not None:
            data[field_name(question)] = answer if isinstance(answer, list) else [answer]
    return data


def parse(survey, data, name=""):
    return parse_answers(survey, lambda key: data.get(key, []), name)


def submit(survey, *answers, token=None, language="en", invitation=None, name=""):
    parsed = parse(survey, form_for(survey, *answers), name)
    assert not parsed.errors, parsed.errors
    return submit_response(survey, parsed, token or new_submission_token(), language, invitation)


# --- building and states ---------------------------------------------------------------------

def test_builder_keeps_both_languages_order_and_the_standard_likert_scale(app):
    survey = build_survey(open_it=False)
    assert [q.type for q in survey.questions] == ["single_choice", "multiple_choice", "likert", "number", "text"]
    assert [q.position for q in survey.questions] == [1, 2, 3, 4, 5]
    role = survey.questions[0]
    assert role.options[2] == {"value": "3", "nl": "Statushouder", "en": "Permit holder"}
    likert = survey.questions[2]
    assert [o["en"] for o in likert.options][0::4] == ["Strongly disagree", "Strongly agree"]
    assert likert.options[0]["nl"] == "Helemaal oneens"

    move_question(survey.questions[4], -1)
    db.session.expire_all()
    assert [q.type for q in survey.questions] == ["single_choice", "multiple_choice", "likert", "text", "number"]


@pytest.mark.parametrize("data, field", [
    (QuestionInput("single_choice", "Kies", "Choose", options_text="Alleen | Only"), "options_text"),
    (QuestionInput("likert", "Eens?", "Agree?", options_text="a\nb\nc"), "options_text"),
    (QuestionInput("number", "Hoeveel?", "How many?", min_value=10, max_value=1), "min_value"),
    (QuestionInput("text", "", ""), "label_nl"),
    (QuestionInput("nonsense", "x", "x"), "type"),
])
def test_builder_refuses_questions_that_cannot_be_answered(app, data, field):
    survey = build_survey(open_it=False)
    with pytest.raises(SurveyError) as error:
        save_question(survey, None, data)
    assert error.value.field == field


def test_states_go_draft_open_closed_and_refuse_other_steps(app):
    survey = save_survey(None, SurveyInput(title_nl="Leeg", title_en="Empty"))
    with pytest.raises(SurveyStateError):
        survey.open()  # no questions yet
    with pytest.raises(SurveyStateError):
        survey.close()  # a draft cannot be closed
    db.session.rollback()

    survey = build_survey()
    assert survey.status == "open" and survey.opened_at is not None
    with pytest.raises(SurveyError):
        open_survey(survey)  # already open
    with pytest.raises(SurveyError):  # questions are fixed once open
        save_question(survey, None, QuestionInput("text", "Nog iets?", "Anything else?"))
    close_survey(survey)
    assert survey.status == "closed"
    with pytest.raises(SurveyError):
        open_survey(survey)
    with pytest.raises(SurveyError):
        close_survey(survey)
    assert db.session.get(Survey, survey.id).status == "closed"


def test_anonymity_cannot_be_switched_once_open(app):
    survey = build_survey()
    with pytest.raises(SurveyError):
        save_survey(survey, SurveyInput(title_nl="x", title_en="x", ask_name=True))


# --- answering -------------------------------------------------------------------------------

def test_required_and_range_errors_keep_the_answers(app, english):
    survey = build_survey()
    data = form_for(survey, None, ["2"], None, "25", "Meer pauzes")
    parsed = parse(survey, data)
    role, parts, likert, number, text = survey.questions
    assert set(parsed.errors) == {role.id, likert.id, number.id}
    assert parsed.errors[number.id] == "Please give a number from 0 to 20."
    assert parsed.raw[number.id] == ["25"] and parsed.raw[text.id] == ["Meer pauzes"]
    assert parse(survey, form_for(survey, "1", None, "3", "veel", None)).errors == {
        number.id: "Please give a number, for example 12."}
    assert parse(survey, form_for(survey, "9", None, "3", None, None)).errors == {
        role.id: "Choose one of the options given."}


def test_the_same_form_posted_twice_is_stored_once(app):
    survey = build_survey()
    token = new_submission_token()
    first, created = submit(survey, "1", ["1", "3"], "4", "2,5", "Meer tijd", token=token)
    again, created_again = submit(survey, "1", ["1", "3"], "4", "2,5", "Meer tijd", token=token)
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    values = sorted(db.session.scalars(select(Answer.value).where(Answer.response_id == first.id)))
    assert values == sorted(["1", "1", "3", "4", "2.5", "Meer tijd"])


def test_a_closed_survey_refuses_answers(app):
    survey = build_survey()
    close_survey(survey)
    with pytest.raises(SurveyError, match="is gesloten"):
        submit(survey, "1", None, "4", None, None)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_an_anonymous_response_keeps_only_the_day(app):
    survey = build_survey()
    invitation = create_invitations(survey, ["Gemeente Utrecht"])[0]
    response, _ = submit(survey, "2", None, "5", None, None, invitation=invitation)
    assert response.submitted_on == date.today() or (date.today() - response.submitted_on).days <= 1
    assert response.submitted_at is None and response.invitation_id is None and response.respondent_name is None
    assert db.session.get(Invitation, invitation.id).completed
    # The database itself refuses an anonymous response with a timestamp or an invitation.
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(insert(Response).values(survey_id=survey.id, submission_token="x" * 32, language="nl",
                                                   submitted_on=date.today(), invitation_id=invitation.id))
    db.session.rollback()


def test_a_named_response_keeps_name_time_and_invitation(app):
    survey = build_survey(ask_name=True)
    assert parse(survey, form_for(survey, "2", None, "5", None, None)).errors == {"name": "Vul je naam in."}
    invitation = create_invitations(survey, ["Amina"])[0]
    response, _ = submit(survey, "2", None, "5", None, None, invitation=invitation, name="Amina Yusuf")
    assert response.respondent_name == "Amina Yusuf"
    assert response.submitted_at is not None and response.invitation_id == invitation.id


def test_an_invitation_gives_one_response(app):
    survey = build_survey()
    invitation = create_invitations(survey, [""])[0]
    submit(survey, "1", None, "4", None, None, invitation=invitation)
    with pytest.raises(SurveyError, match="al ingevuld"):
        submit(survey, "2", None, "2", None, None, invitation=invitation)  # another form, same link
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


# --- results, export, findings ---------------------------------------------------------------

def test_results_count_and_percentages(app, english):
    survey = build_survey()
    submit(survey, "1", ["1", "2"], "5", "2", "Meer pauzes")
    submit(survey, "1", ["2"], "4", "4", None)
    submit(survey, "3", None, "4", None, "Eerder beginnen", language="nl")
    submit(survey, "2", ["2", "3"], "2", "0", None)
    total, summaries = summarise_survey(survey)
    role, parts, likert, number, text = summaries
    assert total == 4
    assert [(r.label, r.count, r.percent) for r in role.rows] == [
        ("Municipality", 2, 50.0), ("Employer", 1, 25.0), ("Permit holder", 1, 25.0)]
    assert role.chart.startswith("<svg") and "Municipality" in role.chart
    assert parts.answered == 3 and [r.count for r in parts.rows] == [1, 3, 1]
    assert parts.rows[1].percent == 100.0  # of those who answered, not of all answers
    assert [r.count for r in likert.rows] == [0, 1, 0, 2, 1] and likert.stats.mean == pytest.approx(3.75)
    assert (number.stats.count, number.stats.mean, number.stats.minimum, number.stats.maximum) == (3, 2, 0, 4)
    assert [(t.text, t.language) for t in text.texts] == [("Meer pauzes", "en"), ("Eerder beginnen", "nl")]


def test_results_of_2000_responses_take_a_constant_number_of_queries(app, client, auth, count_queries):
    survey = build_survey()
    questions = list(survey.questions)

    def add_responses(count: int, offset: int) -> None:
        ids = db.session.scalars(insert(Response).returning(Response.id, sort_by_parameter_order=True), [
            {"survey_id": survey.id, "submission_token": f"{offset + i:032x}", "language": "nl" if i % 2 else "en",
             "submitted_on": date(2024, 3, 1)} for i in range(count)]).all()
        rows = []
        for i, response_id in enumerate(ids):
            rows += [{"response_id": response_id, "question_id": questions[0].id, "value": str(1 + i % 3)},
                     {"response_id": response_id, "question_id": questions[1].id, "value": str(1 + i % 2)},
                     {"response_id": response_id, "question_id": questions[2].id, "value": str(1 + i % 5),
                      "number": float(1 + i % 5)},
                     {"response_id": response_id, "question_id": questions[3].id, "value": str(i % 7),
                      "number": float(i % 7)},
                     {"response_id": response_id, "question_id": questions[4].id, "value": f"Idee {offset + i}"}]
        db.session.execute(insert(Answer), rows)
        db.session.commit()

    def measure() -> int:
        db.session.expire_all()
        with count_queries() as queries:
            total, summaries = summarise_survey(db.session.get(Survey, survey.id))
        with count_queries() as page_queries:
            page = client.get(f"/surveys/{survey.id}/results")
        assert page.status_code == 200
        return total, summaries, len(queries), len(page_queries), page.get_data(as_text=True)

    auth.login("facilitator", locale="en")
    add_responses(20, 0)
    total_small, _, small, small_page, _ = measure()
    add_responses(1980, 20)
    total, summaries, large, large_page, html = measure()
    assert (total_small, total) == (20, 2000)
    assert large == small <= 8
    assert large_page == small_page
    assert sum(r.count for r in summaries[0].rows) == 2000 and len(summaries[4].texts) == 2000
    assert 'data-testid="response-count">2000<' in html and "Idee 0<" in html and "Idee 1999" not in html
    # free-text answers come 50 a page: the last of 2,000 is on page 40
    last_page = client.get(f"/surveys/{survey.id}/results?question={questions[4].id}&page=40")
    assert last_page.status_code == 200
    assert "Idee 1999" in last_page.get_data(as_text=True)


def test_export_has_a_row_per_response_and_a_column_per_question(app, english):
    survey = build_survey()
    submit(survey, "1", ["1", "3"], "5", "2", "=HYPERLINK(\"http://evil\")")
    submit(survey, "2", None, "3", None, None, language="nl")
    headers, rows = response_table(survey)
    assert headers[3:] == ["1. What is your role?", "2. Which parts were useful?", "3. The meeting was useful.",
                           "4. How many colleagues did you bring?", "5. What could be better?"]
    assert rows[0][3:] == ["Municipality", "Presentation; Networking", "Strongly agree", 2.0,
                           "'=HYPERLINK(\"http://evil\")"]  # a formula stays text in Excel
    assert rows[1][3:] == ["Employer", None, "Neutral", None, None]

    parsed = list(csv.reader(io.StringIO(responses_csv(survey).lstrip("\ufeff"))))
    assert len(parsed) == 3 and parsed[0] == headers and parsed[2][3] == "Employer"
    sheet = load_workbook(io.BytesIO(responses_xlsx(survey))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(cells) == 3 and cells[0] == headers and cells[1][6] == 2 and cells[2][4] is None
    assert parsed[1][6] == "2"  # a whole number without ".0"


def test_free_text_becomes_a_finding_of_the_activity_once(app, make_activity):
    from webapp.themes.models import Theme

    activity = make_activity()
    db.session.add(Theme(code="language", theme_group="topic", label_nl="Taal", label_en="Language"))
    db.session.commit()
    survey = build_survey(activity_id=activity.id)
    submit(survey, "1", None, "4", None, "Meer Nederlandse les op de werkvloer", language="nl")
    author = create_user("author@example.test", "Bram", "author", "a-long-password")
    answer_id = db.session.scalar(select(Answer.id).where(Answer.question_id == survey.questions[4].id))
    answer = text_answer(survey, answer_id)
    assert text_answer(survey, answer_id - 1) is None  # not a free-text answer

    finding = answer_to_finding(survey, answer, "recommendation", ["language"], author)
    assert (finding.activity_id, finding.kind, finding.language) == (activity.id, "recommendation", "nl")
    assert finding.text == "Meer Nederlandse les op de werkvloer" and [t.code for t in finding.themes] == ["language"]
    assert answer_to_finding(survey, answer, "quote", [], author).id == finding.id
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1


def test_free_text_needs_an_activity_to_become_a_finding(app):
    survey = build_survey()
    submit(survey, "1", None, "4", None, "Iets")
    answer = db.session.scalar(select(Answer).where(Answer.question_id == survey.questions[4].id))
    with pytest.raises(SurveyError):
        answer_to_finding(survey, answer, "observation", [], None)


def test_question_types_validate_without_a_database():
    from types import SimpleNamespace

    from webapp.surveys.question_types import question_type

    number = SimpleNamespace(required=False, min_value=1.0, max_value=None)
    kind = question_type("number")
    assert kind.parse(number, ["", " "]) == []
    assert kind.parse(number, ["1,5"])[0].number == 1.5
    with pytest.raises(AnswerError):
        kind.parse(number, ["nan"])


def test_demo_has_an_open_meeting_evaluation_with_responses(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    survey = db.session.scalar(select(Survey))
    # a fictional meeting (issue 22: no survey is in the seed documents), marked as sample data
    assert survey.is_open and survey.activity is not None and survey.activity.type == "sample"
    assert {q.type for q in survey.questions} == {"single_choice", "multiple_choice", "likert", "number", "text"}
    total, summaries = summarise_survey(survey)
    assert total == 36 and summaries[4].texts
    assert db.session.scalar(select(func.count()).select_from(Response).where(
        Response.survey_id == survey.id, Response.submitted_on != survey.activity.starts_on)) == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    # (the demo also has an advisory-board feedback round, with responses of its own)
    assert db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id)) == 36
