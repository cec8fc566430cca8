"""Survey results in a report chapter: the author picks surveys on the chapter screen, and the
built PDF and DOCX show their charts and counts in the report's language."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from webapp.extensions import db
from webapp.reports import pdf as report_pdf
from webapp.reports.models import Report, ReportChapter, ReportVersion
from webapp.reports.builds import start_build
from webapp.reports.collect import collect_report, content_hash
from webapp.reports.survey_results import report_svg, set_chapter_surveys
from webapp.reports.texts import ReportError
from webapp.reports.translations import missing_translations
from webapp.surveys.models import Survey
from webapp.surveys.answering import field_name, new_submission_token, parse_answers, submit_response
from webapp.surveys.services import QuestionInput, SurveyInput, close_survey, open_survey, save_question, save_survey
from webapp.themes.models import Theme

from .conftest import text_of, follow_refused

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PRIVATE_WORDS = "My manager never listens to me"


def make_survey(title_en="Meeting evaluation", purpose="survey", status="open", roles=None) -> Survey:
    """A survey with a choice, a Likert, a number and a free-text question."""
    survey = save_survey(None, SurveyInput(title_nl="Evaluatie bijeenkomst", title_en=title_en))
    survey.purpose = purpose
    roles = roles or "Gemeente | Municipality\nWerkgever | Employer\nStatushouder | Permit holder"
    save_question(survey, None, QuestionInput("single_choice", "Wat is je rol?", "What is your role?",
                                              options_text=roles))
    save_question(survey, None, QuestionInput("likert", "De bijeenkomst was nuttig.", "The meeting was useful."))
    save_question(survey, None, QuestionInput("number", "Hoeveel collega's nam je mee?",
                                              "How many colleagues did you bring?"))
    save_question(survey, None, QuestionInput("text", "Wat kan beter?", "What could be better?"))
    if status in ("open", "closed"):
        open_survey(survey)
    return survey


def answer(survey: Survey, role: str, likert: str, number: str = "", text: str = "") -> None:
    role_q, likert_q, number_q, text_q = survey.questions
    form = {field_name(role_q): [role], field_name(likert_q): [likert], field_name(number_q): [number],
            field_name(text_q): [text]}
    parsed = parse_answers(survey, lambda key: form.get(key, []))
    assert not parsed.errors, parsed.errors
    submit_response(survey, parsed, new_submission_token(), "en")


@pytest.fixture
def report(app):
    """A report with two chapters, and a survey with 4 responses: 3 municipalities, 1 employer."""
    app.config["REPORT_BUILDS_INLINE"] = True
    themes = [Theme(code="perception", theme_group="recommendation", label_nl="Beeldvorming", label_en="Perception"),
              Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")]
    report = Report(title_nl="Rapport", title_en="Report",
                    chapters=[ReportChapter(theme=themes[0], position=0), ReportChapter(theme=themes[1], position=1)])
    db.session.add(report)
    db.session.commit()
    survey = make_survey()
    for role, likert, number, text in (("1", "4", "2", PRIVATE_WORDS), ("1", "5", "", ""), ("1", "4", "3", ""),
                                       ("2", "2", "", "")):
        answer(survey, role, likert, number, text)
    return report


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text().replace("\n", " ") for page in PdfReader(io.BytesIO(pdf)).pages]


def chapter_url(report: Report, index: int) -> str:
    return f"/reports/chapters/{report.chapters[index].id}"


def choose(client, report, index, survey_ids):
    return client.post(chapter_url(report, index), data={"intro_nl": "", "intro_en": "", "survey_ids": survey_ids})


@pytest.mark.parametrize("language, words, other_words", [
    ("en", ("Survey results: Meeting evaluation", "Meeting evaluation", "Number of responses: 4", "Figure: What is your role? (n = 4)",
            "Municipality", "Employer", "Figure: The meeting was useful. (n = 4)", "Average score: 3.8",
            "How many colleagues did you bring? Average 2.5 (lowest 2, highest 3; n = 2)"),
     ("Gemeente", "Figuur", "Resultaten van de vragenlijst", "Evaluatie bijeenkomst")),
    ("nl", ("Resultaten van de vragenlijst: Evaluatie bijeenkomst", "Evaluatie bijeenkomst", "Aantal reacties: 4", "Figuur: Wat is je rol? (n = 4)",
            "Gemeente", "Werkgever", "Figuur: De bijeenkomst was nuttig. (n = 4)", "Gemiddelde score: 3,8",
            "Hoeveel collega's nam je mee? Gemiddeld 2,5 (laagste 2, hoogste 3; n = 2)"),
     ("Municipality", "Figure", "Survey results", "Meeting evaluation")),
])
def test_chosen_survey_prints_its_charts_in_that_chapter_in_the_report_language(client, auth, report, language,
                                                                                 words, other_words):
    survey = db.session.query(Survey).one()
    # The author reads the screens in English; a Dutch build must still be Dutch, charts included.
    auth.login("author", locale="en")
    assert survey.title_en in text_of(client.get(chapter_url(report, 1)))
    assert choose(client, report, 1, [survey.id]).status_code == 302
    response = client.post(f"/reports/{report.id}/builds", data={"language": language, "format": "pdf"},
                           headers={"Accept": "application/json"})
    status = response.get_json()
    assert status["status"] == "done"
    pages = pdf_pages(client.get(status["download_url"]).data)

    chart_pages = [i for i, text in enumerate(pages) if words[3] in text]
    assert len(chart_pages) == 1
    chart_page = chart_pages[0]
    # In the second chapter (its title in the running header), not the first: each chapter starts a page.
    assert ("2. Funding" if language == "en" else "2. Financiering") in pages[chart_page]
    assert "1. Perception" not in pages[chart_page] and "1. Beeldvorming" not in pages[chart_page]
    text = " ".join(pages[chart_page:chart_page + 2])
    for word in words:
        assert word in text, word
    # The chart's labels and counts are text in the PDF (pypdf reads the labels, then the bar values).
    labels = r"\s+".join((words[4], words[5], "Permit holder" if language == "en" else "Statushouder"))
    assert re.search(labels + r"\s+3\s+1\s+0\b", text)
    everything = " ".join(pages)
    for word in other_words:
        assert word not in everything, word
    assert PRIVATE_WORDS not in everything  # free-text answers stay out of the report
    assert "What could be better" not in everything and "Wat kan beter" not in everything


def test_docx_shows_each_question_as_a_table_of_counts_and_percentages(report):
    from docx import Document

    survey = db.session.query(Survey).one()
    set_chapter_surveys(report.chapters[0], {survey.id})
    db.session.commit()
    version = start_build(report, "nl", "docx")
    document = Document(io.BytesIO(version.content))
    texts = [p.text for p in document.paragraphs]
    assert "Resultaten van de vragenlijst: Evaluatie bijeenkomst" in texts and "Aantal reacties: 4" in texts
    assert "Figuur: Wat is je rol? (n = 4)" in texts
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    assert [["Antwoord", "Aantal", "Percentage"], ["Gemeente", "3", "75%"], ["Werkgever", "1", "25%"],
            ["Statushouder", "0", "0%"]] in tables
    assert not any(PRIVATE_WORDS in text for text in texts)


def test_new_responses_change_the_content_hash_and_give_a_new_version(report):
    survey = db.session.query(Survey).one()
    set_chapter_surveys(report.chapters[0], {survey.id})
    db.session.commit()
    before = content_hash(collect_report(report, "en"), "docx")
    first = start_build(report, "en", "docx")
    assert start_build(report, "en", "docx").id == first.id  # unchanged: the stored version

    answer(survey, "3", "1")
    assert content_hash(collect_report(report, "en"), "docx") != before
    second = start_build(report, "en", "docx")
    assert second.id != first.id and second.number == 2

    close_survey(survey)  # closing changes no numbers: the report stays the same
    assert start_build(report, "en", "docx").id == second.id


@pytest.mark.parametrize("kind", ["feedback", "draft"])
def test_feedback_rounds_and_drafts_cannot_be_chosen(client, auth, report, kind):
    other = make_survey(title_en=f"Not for reports {kind}", purpose="feedback" if kind == "feedback" else "survey",
                        status="open" if kind == "feedback" else "draft")
    closed = make_survey(title_en="Closed survey")
    close_survey(closed)
    auth.login("author", locale="en")
    page = text_of(client.get(chapter_url(report, 0)))
    assert other.title_en not in page and "Closed survey" in page  # closed surveys may be chosen

    response = follow_refused(client, choose(client, report, 0, [other.id]))
    assert "is not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReportChapter, report.chapters[0].id).surveys == []
    with pytest.raises(ReportError):
        set_chapter_surveys(db.session.get(ReportChapter, report.chapters[0].id), {other.id})


@pytest.mark.parametrize("role, allowed", [("admin", True), ("author", True), ("facilitator", False),
                                           ("advisor", False), ("reviewer", False)])
def test_only_authors_and_admins_choose_surveys(client, auth, report, role, allowed):
    survey = db.session.query(Survey).one()
    auth.login(role, locale="en")
    assert client.get(chapter_url(report, 0)).status_code == (200 if allowed else 403)
    assert choose(client, report, 0, [survey.id]).status_code == (302 if allowed else 403)
    db.session.expire_all()
    assert bool(db.session.get(ReportChapter, report.chapters[0].id).surveys) is allowed


def test_hostile_option_labels_print_as_text_and_the_charts_fetch_nothing(report, monkeypatch):
    hostile = make_survey(title_en='<img src="file:///etc/passwd">',
                          roles='A | <image href="file:///etc/passwd"/>\nB | url(http://169.254.169.254/)')
    answer(hostile, "1", "3")
    answer(hostile, "2", "3")
    set_chapter_surveys(report.chapters[0], {hostile.id})
    db.session.commit()
    fetchers = []

    class RecordingFetcher(report_pdf.StaticOnlyFetcher):
        def __init__(self, *args, **kwargs):  # the photos a build may read
            super().__init__(*args, **kwargs)
            fetchers.append(self)

    monkeypatch.setattr(report_pdf, "StaticOnlyFetcher", RecordingFetcher)
    data = collect_report(report, "en")
    chart = data["chapters"][0]["surveys"][0]["questions"][0]["chart"]
    assert "<metadata" not in chart and "http://purl.org" not in chart
    tags = re.findall(r"<[^>]*>", chart)  # the labels' text is escaped, so it holds no tag
    assert all(href.startswith("#") for tag in tags for href in re.findall(r'href="([^"]*)"', tag))
    assert '&lt;image href="file:///etc/passwd"/&gt;' in chart
    pdf = report_pdf.build_report_pdf(data)
    (fetcher,) = fetchers
    assert fetcher.served == ["report.css", "figures.css"] and fetcher.refused == []
    text = " ".join(pdf_pages(pdf))
    assert '<img src="file:///etc/passwd">' in text and "url(http://169.254.169.254/)" in text


def test_a_chart_that_refers_outside_itself_is_refused_and_its_ids_are_made_unique():
    svg = ('<svg id="figure_1"><metadata><x r="http://a"/></metadata><path id="m1"/><use xlink:href="#m1"/>'
           '<text style="font-size: 9px; text-anchor: end">id="m1" url(#m1)</text></svg>')
    assert report_svg(svg, "c1-") == ('<svg><path id="c1-m1"/><use xlink:href="#c1-m1"/><text style="font-size: 9px"'
                                      ' text-anchor="end">id="m1" url(#m1)</text></svg>')
    for svg in ('<svg><image href="file:///etc/passwd"/></svg>', '<svg><rect style="fill: url(http://a/b)"/></svg>'):
        with pytest.raises(ReportError):
            report_svg(svg)


def test_survey_texts_missing_in_the_build_language_are_listed(report):
    survey = db.session.query(Survey).one()
    survey.title_en = ""
    survey.questions[1].label_en = ""
    survey.questions[3].label_en = ""  # free text: not printed, so not missing
    set_chapter_surveys(report.chapters[0], {survey.id})
    db.session.commit()
    missing = {(m.where, m.field) for m in missing_translations(report, "en")}
    assert missing == {(f"survey {survey.id}", "title"), (f"survey {survey.id}, question 2", "label")}
    # The build takes the Dutch text rather than printing a chart without its words.
    assert collect_report(report, "en")["chapters"][0]["surveys"][0]["title"] == "Evaluatie bijeenkomst"


def test_demo_report_shows_the_meeting_evaluation_in_the_modular_education_chapter(app):
    from webapp.demo.services import load_demo
    from webapp.reports.builds import demo_report

    load_demo()
    chapters = collect_report(demo_report(), "en")["chapters"]
    with_surveys = [(c["title"], [s["title"] for s in c["surveys"]], [s["responses"] for s in c["surveys"]])
                    for c in chapters if c["surveys"]]
    assert with_surveys == [("Modular education", ["Fictional example: evaluation of a meeting"], [36])]
    assert db.session.query(ReportVersion).count() == 0
