"""Search: diacritics, Arabic and Tigrinya, word starts, and hostile input - on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.test_analysis_helpers import make_finding
from webapp.analysis.services import FindingFilter, browse_findings
from webapp.search_words import search_text_for, search_tokens
from webapp.extensions import db
from webapp.findings.models import Finding


def search(query: str) -> set[str]:
    page = browse_findings(FindingFilter.from_args(MultiDict({"q": query})), [], per_page=100)
    return {f.text for f in page.items}


@pytest.fixture
def corpus(app, make_activity):
    activity = make_activity()
    texts = {
        "diacritics": "Betere coördinatie tussen gemeente en werkgever is nodig.",
        "plain": "De coordinatie van leerwerktrajecten loopt stroef.",
        "english": "Employers ask for one coordinator per region.",
        "arabic": "تعلّمت اللغة الهولندية في العمل أسرع بكثير من الصف",
        "tigrinya": "ኣብ መጀመርታ ስራሕ ዝሕግዘኒ ሰብ ምህላው ኣዝዩ ኣገዳሲ እዩ።",
        "quotes": 'Een deelnemer zei: "NEAR het einde -- niets*" en lachte.',
    }
    for key, text in texts.items():
        make_finding(activity, text, language={"arabic": "ar", "tigrinya": "ti"}.get(key, "nl"))
    return texts


def test_normalisation_folds_case_and_accents_and_keeps_other_scripts():
    assert search_tokens("Coördinatie-overleg, ÉÉN keer!") == ["coordinatie", "overleg", "een", "keer"]
    assert search_tokens("تعلّمت") == ["تعلمت"]  # the shadda (a vowel mark) goes, the letters stay
    assert search_tokens("ሥራሕ።") == ["ሥራሕ"]
    assert search_text_for("A b") == " a b "


def test_diacritics_match_both_ways(corpus):
    both = {corpus["diacritics"], corpus["plain"]}
    assert search("coördinatie") == both
    assert search("coordinatie") == both
    assert search("COORDINATIE") == both


def test_terms_match_word_starts_and_must_all_match(corpus):
    assert search("coordinat") == {corpus["diacritics"], corpus["plain"], corpus["english"]}
    assert search("coordinatie werkgever") == {corpus["diacritics"]}
    assert search("ordinatie") == set()  # the middle of a word is not a match


def test_arabic_and_tigrinya_are_searchable(corpus):
    assert search("العمل") == {corpus["arabic"]}
    assert search("تعلمت") == {corpus["arabic"]}  # typed without the vowel mark
    assert search("ስራሕ") == {corpus["tigrinya"]}


@pytest.mark.parametrize("hostile", [
    '"', "'", '"coordinatie', "coordinatie\"'", "NEAR(coordinatie werkgever)", "coordinatie NEAR/2 werkgever",
    "*", "coord*", "-coordinatie", "a OR b", "NOT", "AND &&& ||| !!!", ":*", "'):* & !", "\\", "%_%", "\x00",
    "()", "{}[]", "😀", "x" * 500,
])
def test_hostile_input_never_errors(corpus, hostile):
    search(hostile)  # must not raise on either database


def test_operators_are_words_not_syntax(corpus):
    assert search('"NEAR het einde -- niets*"') == {corpus["quotes"]}
    assert search("coordinatie*") == search("coordinatie")
    assert search('"*"') == set(corpus.values())  # nothing searchable left: no filter


def test_search_words_follow_text_changes(corpus):
    finding = db.session.scalar(select(Finding).where(Finding.text == corpus["english"]))
    finding.text = "Werkgevers vragen één aanspreekpunt."
    db.session.commit()
    assert search("employers") == set()
    assert search("een aanspreekpunt") == {"Werkgevers vragen één aanspreekpunt."}


def test_search_page_answers_hostile_input(client, auth, corpus):
    auth.login("facilitator", locale="en")
    response = client.get("/analysis/findings", query_string={"q": 'NEAR("x" -y*'})
    assert response.status_code == 200


def test_translation_edits_and_deletes_reach_the_index(app, make_activity):
    from webapp.findings.services import delete_finding

    activity = make_activity()
    finding = make_finding(activity, "العمل صعب بدون شهادة معترف بها", language="ar")
    assert search("diploma") == set()
    from webapp.findings.services import set_translation

    set_translation(finding, "en", "Work is hard without a recognised diploma")
    db.session.commit()
    assert search("diploma") == {finding.text}  # found through its translation
    # a second translation is searchable too, and a removed one no longer finds it
    set_translation(finding, "nl", "Zonder erkend diploma is werk moeilijk")
    db.session.commit()
    assert search("moeilijk") == {finding.text}
    set_translation(finding, "en", "")
    db.session.commit()
    assert search("recognised") == set() and search("moeilijk") == {finding.text}
    set_translation(finding, "nl", "")
    db.session.commit()
    finding.text = "Zonder erkend diploma blijft de deur dicht."
    db.session.commit()
    assert search("erkend") == {finding.text} and search("شهادة") == set()
    delete_finding(finding)
    assert search("erkend") == set()


def test_sqlite_searches_through_its_fts5_index(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 index is SQLite's; PostgreSQL uses its GIN index")
    tables = set(db.session.scalars(select(db.text("name")).select_from(db.text("sqlite_master"))))
    assert "findings_fts" in tables


def test_postgresql_searches_a_stored_vector_that_follows_the_text(app, make_activity):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the stored search vector is PostgreSQL's; SQLite uses its FTS5 index")
    generated = db.session.scalar(db.text(
        "SELECT is_generated FROM information_schema.columns WHERE table_name = 'findings' "
        "AND column_name = 'search_vector'"))
    assert generated == "ALWAYS"  # stored: a phrase is checked without computing to_tsvector per row
    finding = make_finding(make_activity(), "Werkgevers zoeken taalcoaching op de werkvloer")
    assert search('"taalcoaching op de werkvloer"') == {finding.text}
    finding.text = "Werkgevers zoeken coaching"
    db.session.commit()
    assert search('"taalcoaching op de werkvloer"') == set() and search("coaching") == {finding.text}


def test_arabic_article_and_prepositions_do_not_hide_a_word(app, make_activity):
    activity = make_activity()
    texts = ["أبحث عن العمل منذ سنة", "أفكر بالعمل كل يوم", "لم أجد عملا بعد"]
    for text_value in texts:
        make_finding(activity, text_value, language="ar")
    assert search("عمل") == set(texts)
    assert search("العمل") == set(texts)  # the article typed in the search is dropped too
    assert search_tokens("الى") == ["الى"]  # a short word keeps its letters


@pytest.fixture
def phrases(app, make_activity):
    activity = make_activity()
    texts = {
        "phrase": "De taal werkgever gesprekken helpen enorm.",
        "apart": "Taal is lastig, zegt de werkgever.",
        "reversed": "Elke werkgever taal aanbieden, dat is het plan.",
        "longer": "Taalles voor werkgevers is duur.",
        "accents": "Coördinatie-overleg met de gemeente: één keer per maand.",
    }
    for text in texts.values():
        make_finding(activity, text)
    return texts


def test_a_quoted_phrase_matches_those_words_in_that_order(phrases):
    assert search('"taal werkgever"') == {phrases["phrase"]}
    assert search("taal werkgever") == {phrases["phrase"], phrases["apart"], phrases["reversed"], phrases["longer"]}
    assert search('"werkgever taal"') == {phrases["reversed"]}
    assert search('"Taal, werkgever!"') == {phrases["phrase"]}  # punctuation and case as in the text


def test_phrases_combine_with_words_and_fold_accents(phrases):
    assert search('"coordinatie overleg" gemeen') == {phrases["accents"]}
    assert search('"één keer" "per maand"') == {phrases["accents"]}
    assert search('"taal werkgever" plan') == set()
    assert search('"taal" werkgever') == search("taal werkgever")  # one quoted word is a word
    assert search('"taal werkgever') == search("taal werkgever")  # an unclosed quote is no phrase
