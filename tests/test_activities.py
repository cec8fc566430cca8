from datetime import date

from webapp.activities.models import Activity
from webapp.activities.services import parse_partial_date
from webapp.extensions import db
from webapp.organisations.models import Organisation
from .conftest import text_of, follow_refused


def _form(**overrides):
    data = {"type": "ln_meeting", "title": "Working visit ProRail", "format": "working_visit", "status": "held",
            "starts": "2023-10-09", "ends": "", "number": "", "notes": "", "facilitator_id": ""}
    data.update(overrides)
    return data


def test_create_activity_and_see_it_listed(client, auth):
    auth.login("facilitator")
    response = client.post("/activities/new", data=_form())
    assert response.status_code == 302
    activity = db.session.scalar(db.select(Activity))
    assert (activity.type, activity.number, activity.starts_on) == ("ln_meeting", 1, date(2023, 10, 9))
    listing = text_of(client.get("/activities/?type=ln_meeting&year=2023"))
    assert "Working visit ProRail" in listing
    assert "Working visit ProRail" not in text_of(client.get("/activities/?type=consultation"))
    assert "Working visit ProRail" not in text_of(client.get("/activities/?year=2022"))


def test_numbers_count_within_each_type(client, auth, make_activity):
    make_activity(type="consultation", title="Randstad", format="interview")
    make_activity(type="consultation", title="ProRail", format="interview")
    auth.login("facilitator")
    client.post("/activities/new", data=_form(type="consultation", title="UAF", format="interview"))
    client.post("/activities/new", data=_form(title="Workshop Customer Journey", format="workshop"))
    numbers = dict(db.session.execute(db.select(Activity.title, Activity.number)).all())
    assert numbers == {"Randstad": 1, "ProRail": 2, "UAF": 3, "Workshop Customer Journey": 1}


def test_duplicate_number_is_refused(client, auth, make_activity):
    make_activity(number=7)
    auth.login("facilitator")
    response = follow_refused(client, client.post("/activities/new", data=_form(number="7")))
    assert "Er is al een activiteit van deze soort met nummer 7." in response.get_data(as_text=True)


def test_month_and_period_dates(client, auth):
    auth.login("author")
    client.post("/activities/new", data=_form(type="field_test", title="SIGRA", format="written_feedback",
                                              starts="2024-03", ends="2024-04"))
    activity = db.session.scalar(db.select(Activity))
    assert (activity.starts_on, activity.ends_on, activity.date_precision) == (date(2024, 3, 1), date(2024, 4, 30),
                                                                               "month")
    assert "maart 2024 – april 2024" in text_of(client.get(f"/activities/{activity.id}"))


def test_partial_dates_in_dutch_and_iso_order():
    assert parse_partial_date("8-5-2023").value == date(2023, 5, 8)
    assert parse_partial_date("2023-05-08").precision == "day"
    assert parse_partial_date("05-2023").precision == "month"
    assert parse_partial_date("") is None


def _assert_refused_and_kept(client, response, message, kept):
    response = follow_refused(client, response)
    html = response.get_data(as_text=True)
    assert message in html
    assert kept in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Activity)) == 0


def test_empty_title_is_refused_and_the_rest_kept(client, auth):
    auth.login("facilitator")
    response = client.post("/activities/new", data=_form(title="", notes="Twenty-five participants came."))
    _assert_refused_and_kept(client, response, "Dit veld is vereist.", "Twenty-five participants came.")


def test_future_date_for_a_held_meeting_is_refused(client, auth):
    auth.login("facilitator")
    response = client.post("/activities/new", data=_form(starts="2099-01-16"))
    _assert_refused_and_kept(client, response, "kan geen datum in de toekomst hebben", 'value="2099-01-16"')
    # the same date is fine for a meeting that is still planned
    assert client.post("/activities/new", data=_form(starts="2099-01-16", status="planned")).status_code == 302


def test_nonsense_date_is_refused(client, auth):
    auth.login("facilitator")
    response = client.post("/activities/new", data=_form(starts="2023-02-30"))
    _assert_refused_and_kept(client, response, "2023-05-08", 'value="2023-02-30"')


def test_unknown_organisation_is_refused(client, auth):
    auth.login("facilitator")
    response = client.post("/activities/new", data=_form(organisation_ids=["999"]))
    _assert_refused_and_kept(client, response, "Onbekende organisatie", "Working visit ProRail")


def test_ten_megabytes_of_notes_get_a_clear_error_not_a_crash(client, auth):
    auth.login("facilitator")
    notes = "Verslag van de bijeenkomst. " * 400_000  # about 11 MB
    response = client.post("/activities/new", data=_form(notes=notes))
    _assert_refused_and_kept(client, response, "Veld mag niet langer zijn dan 100000 karakters.", "Verslag van de bijeenkomst.")


def test_edit_keeps_organisations_and_changes_fields(client, auth, make_activity):
    prorail = Organisation(name="ProRail", stakeholder_type="employer")
    db.session.add(prorail)
    db.session.commit()
    activity = make_activity(title="Working visit", organisation_ids=(prorail.id,))
    auth.login("facilitator")
    form = text_of(client.get(f"/activities/{activity.id}/edit"))
    assert 'value="2023-10-30"' in form
    response = client.post(f"/activities/{activity.id}/edit",
                           data=_form(title="Working visit ProRail and ARQ", organisation_ids=[str(prorail.id)],
                                      number="8"))
    assert response.status_code == 302
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert (activity.title, activity.number, [o.name for o in activity.organisations]) == (
        "Working visit ProRail and ARQ", 8, ["ProRail"])


def test_activity_list_uses_a_constant_number_of_queries(client, auth, make_activity, count_queries):
    organisation = Organisation(name="Divosa", stakeholder_type="network")
    db.session.add(organisation)
    db.session.commit()
    auth.login("facilitator")

    def queries_for_listing():
        with count_queries() as queries:
            assert client.get("/activities/").status_code == 200
        return len(queries)

    make_activity(type="consultation", format="interview", title="Divosa", organisation_ids=(organisation.id,))
    few = queries_for_listing()
    for n in range(30):
        make_activity(type="consultation", format="interview", title=f"Consultation {n}",
                      organisation_ids=(organisation.id,))
    assert queries_for_listing() == few


def test_user_text_is_escaped(client, auth, make_activity):
    make_activity(title='<script>alert("x")</script>')
    auth.login("facilitator")
    html = text_of(client.get("/activities/"))
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_all_problems_are_shown_in_one_round(client, auth):
    auth.login("facilitator")
    response = follow_refused(client, client.post("/activities/new", data=_form(title="", starts="2099-01-16")))
    html = response.get_data(as_text=True)
    assert "Dit veld is vereist." in html
    assert "kan geen datum in de toekomst hebben" in html
