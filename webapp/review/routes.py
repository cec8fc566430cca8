"""The authors' screens of review rounds (admin, author): /review/... to open rounds, hand out
links, the board, the changes. The reviewers' pages (/r/<token>) are reviewer.py."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import ADMIN, AUTHOR, roles_required
from ..activities.models import Activity
from ..audit.downloads import export_kind
from ..extensions import db
from ..findings.models import Contributor
from ..i18n import _, current_language
from ..mail.services import latest_messages, mail_language, render_message
from ..organisations.models import Organisation
from ..pagination import paginate
from ..refused_forms import refuse, refused, refill
from ..reports.models import Report, ReportVersion
from ..routing import safe_next
from . import bp
from .board import (BoardFilter, board_comments, board_organisations, board_query, export_xlsx, progress,
                    report_rounds, reviewer_name, set_disposition, target_label)
from .changes import changes_since, later_version
from .forms import ActionForm, DispositionForm, ReviewerForm, RoundForm
from .mailing import links_csv, queue_reviewer_mail, remind_reviewers, reminder_recipients, reviewer_mail_context
from .models import DISPOSITIONS, TARGETS, ReviewAssignment, ReviewComment, ReviewRound
from .services import (ReviewError, RoundInput, add_reviewer, close_round, invite, open_round, pick, renew_link,
                       reviewer_candidates, revoke_link, round_chapters, today)

AUTHORS = (ADMIN, AUTHOR)


@bp.app_template_global("review_pick")
def _pick(item: dict, name: str) -> str:
    return pick(item, name, current_language())


def _report(report_id: int) -> Report:
    return db.session.get(Report, report_id) or abort(404)


def _round(round_id: int) -> ReviewRound:
    return db.session.get(ReviewRound, round_id) or abort(404)


@bp.get("/review/")
@roles_required(*AUTHORS)
def index():
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    rounds = {r.id: report_rounds(r) for r in reports}
    progresses = {r.id: progress(r) for r in reports}
    return render_template("review/manage/index.html", reports=reports, rounds=rounds, progresses=progresses)


def _round_form(report: Report) -> RoundForm:
    form = RoundForm()
    versions = db.session.scalars(select(ReportVersion).where(
        ReportVersion.report_id == report.id, ReportVersion.status == "done").order_by(ReportVersion.id.desc())).all()
    form.version_id.choices = [(v.id, _("Version %(number)s (%(language)s, %(format)s)", number=v.number,
                                        language=v.language.upper(), format=v.format.upper())) for v in versions]
    form.follows_id.choices = [(0, _("None: a first round"))] + [
        (r.id, _("Round %(number)s", number=r.number)) for r in report_rounds(report)]
    form.activity_id.choices = [(0, _("A new field-test activity, made at the first submission"))] + [
        (a.id, f"{a.number}. {a.title}") for a in db.session.scalars(
            select(Activity).where(Activity.type == "field_test").order_by(Activity.number.desc()))]
    return form


@bp.route("/review/reports/<int:report_id>/rounds/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_round(report_id: int):
    report = _report(report_id)
    form = _round_form(report)
    follows = db.session.get(ReviewRound, request.args.get("follows", type=int) or 0)
    if follows is not None and follows.report_id != report.id:
        follows = None
    if request.method == "GET" and follows is not None:
        form.follows_id.data = follows.id
    candidates = reviewer_candidates()
    if form.validate_on_submit():
        chapter_ids = [int(v) for v in request.form.getlist("chapter") if v.isdigit()]
        questions = {c.id: (request.form.get(f"question_nl_{c.id}", ""), request.form.get(f"question_en_{c.id}", ""))
                     for c in report.chapters}
        data = RoundInput(due_on=form.due_on.data, version_id=form.version_id.data or None,
                          reviewer_ids=[int(v) for v in request.form.getlist("reviewer") if v.isdigit()],
                          chapter_ids=chapter_ids, follows_id=form.follows_id.data or None,
                          questions=questions, activity_id=form.activity_id.data or None)
        try:
            review_round, tokens = open_round(report, data, current_user.id)
        except ReviewError as error:
            flash(str(error), "error")
        else:
            flash(_("Round %(number)s is open.", number=review_round.number), "success")
            return _links_page(review_round, tokens)
    if request.method == "POST":  # here only when refused: the error is a field's or flashed
        return refuse(form)
    chosen_reviewers = ({a.contributor_id for a in follows.assignments if a.submitted_at} if follows else set())
    # The chapters, questions and reviewers picked outside the WTForms fields come back too.
    typed = stash.formdata if (stash := refused()) and stash.form_class == type(form).__name__ else None
    if typed is not None:
        chosen_reviewers = {int(v) for v in typed.getlist("reviewer") if v.isdigit()}
    return render_template("review/manage/new_round.html", report=report, form=refill(form), candidates=candidates,
                           follows=follows, chosen_reviewers=chosen_reviewers, reviewer_form=refill(_reviewer_form()),
                           typed=typed, has_versions=bool(form.version_id.choices))


def _reviewer_form() -> ReviewerForm:
    form = ReviewerForm()
    form.organisation_id.choices = [(o.id, o.name) for o in db.session.scalars(
        select(Organisation).order_by(Organisation.name))]
    return form


@bp.post("/review/reports/<int:report_id>/reviewers")
@roles_required(*AUTHORS)
def new_reviewer(report_id: int):
    report = _report(report_id)
    form = _reviewer_form()
    back = url_for("review.new_round", report_id=report.id, follows=request.args.get("follows"))
    if not form.validate_on_submit():
        flash(_("Give the reviewer's name and organisation."), "error")
        return refuse(form, to=back)  # the name and contact as typed come back on the page
    try:
        add_reviewer(form.name.data, form.contact.data, form.organisation_id.data)
        db.session.commit()
        flash(_("Reviewer added."), "success")
    except ReviewError as error:
        db.session.rollback()
        flash(str(error), "error")
        return refuse(form, to=back)
    return redirect(back)


def _reviewer_url(token: str) -> str:
    return url_for("review.reviewer_home", token=token, _external=True)


def _links_page(review_round: ReviewRound, tokens: dict[int, str]):
    """The personal links, shown once: only their hashes are stored. So the page itself carries
    what staff need to hand them out: a copy button, a QR code and a CSV of name -> link."""
    import segno  # here: a heavy import only this page needs

    # Reviewers with an e-mail address get their link by mail as well (queued now, sent in the background).
    queue_reviewer_mail(review_round, tokens, False, _reviewer_url)
    links = [(a, _reviewer_url(tokens[a.id])) for a in review_round.assignments if a.id in tokens]
    qr_codes = {a.id: Markup(segno.make(url, error="m").svg_inline(
        scale=3, border=2, title=_("QR code for %(name)s", name=reviewer_name(a.contributor))
    ).replace("<svg ", '<svg role="img" ', 1)) for a, url in links}
    csv_text = links_csv([(reviewer_name(a.contributor),
                           a.contributor.organisation.name if a.contributor and a.contributor.organisation else "",
                           url) for a, url in links])
    response = make_response(render_template("review/manage/links.html", round=review_round, links=links,
                                             reviewer_name=reviewer_name, qr_codes=qr_codes, csv_text=csv_text,
                                             csv_name=f"review-round-{review_round.number}-links.csv",
                                             messages=latest_messages("assignment", [a.id for a, _url in links])))
    response.headers["Cache-Control"] = "no-store"  # the links are secrets: never from a cache
    return response


@bp.get("/review/rounds/<int:round_id>")
@roles_required(*AUTHORS)
def show_round(round_id: int):
    # Each reviewer row shows the person, the organisation and the number of comments:
    # loaded in three queries whatever the number of reviewers.
    review_round = db.session.scalar(
        select(ReviewRound).where(ReviewRound.id == round_id).options(
            selectinload(ReviewRound.assignments).selectinload(ReviewAssignment.contributor)
            .selectinload(Contributor.organisation),
            selectinload(ReviewRound.assignments).selectinload(ReviewAssignment.comments))) or abort(404)
    invited = {a.contributor_id for a in review_round.assignments}

    return render_template("review/manage/round.html", round=review_round, action_form=ActionForm(),
                           messages=latest_messages("assignment", [a.id for a in review_round.assignments]),
                           can_remind=bool(reminder_recipients(review_round)),
                           candidates=[c for c in reviewer_candidates() if c.id not in invited],
                           chapters=round_chapters(review_round), reviewer_name=reviewer_name,
                           closed=review_round.is_closed(today()))


@bp.post("/review/rounds/<int:round_id>/invite")
@roles_required(*AUTHORS)
def invite_reviewer(round_id: int):
    review_round = _round(round_id)
    contributor = db.session.get(Contributor, request.form.get("reviewer", type=int) or 0)
    if not ActionForm().validate_on_submit() or contributor is None or contributor.kind != "stakeholder":
        abort(400)
    try:
        assignment, token = invite(review_round, contributor)
    except ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("review.show_round", round_id=review_round.id))
    return _links_page(review_round, {assignment.id: token})


@bp.post("/review/assignments/<int:assignment_id>/renew")
@roles_required(*AUTHORS)
def renew(assignment_id: int):
    assignment = db.session.get(ReviewAssignment, assignment_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        token = renew_link(assignment)
    except ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("review.show_round", round_id=assignment.round_id))
    flash(_("A new link was made; the old one no longer works."), "success")
    return _links_page(assignment.round, {assignment.id: token})


@bp.post("/review/assignments/<int:assignment_id>/revoke")
@roles_required(*AUTHORS)
def revoke(assignment_id: int):
    assignment = db.session.get(ReviewAssignment, assignment_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    revoke_link(assignment)
    flash(_("The link no longer works."), "success")
    return redirect(url_for("review.show_round", round_id=assignment.round_id))


@bp.route("/review/rounds/<int:round_id>/remind", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def remind(round_id: int):
    """Remind reviewers who have not submitted: preview first, then a new link for each by mail."""
    review_round = _round(round_id)
    recipients = reminder_recipients(review_round)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        queued = remind_reviewers(review_round, _reviewer_url)
        flash(_("Reminders queued: %(n)s.", n=queued), "success")
        return redirect(url_for("review.show_round", round_id=review_round.id))
    sample = None
    if recipients:
        first = recipients[0]
        language = mail_language(first.contributor.language)
        subject, text, _html = render_message("review_invitation", language, **reviewer_mail_context(
            review_round, language, True, _("(a new personal link)")))
        sample = {"subject": subject, "text": text, "language": language, "to": reviewer_name(first.contributor)}
    return render_template("review/manage/remind.html", round=review_round, recipients=recipients, sample=sample,
                           reviewer_name=reviewer_name, action_form=ActionForm())


@bp.post("/review/rounds/<int:round_id>/close")
@roles_required(*AUTHORS)
def close(round_id: int):
    review_round = _round(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    close_round(review_round)
    flash(_("The round is closed. Reviewers can still read what they submitted."), "success")
    return redirect(url_for("review.show_round", round_id=review_round.id))


def _filters() -> BoardFilter:
    args = request.args
    return BoardFilter(round_id=args.get("round", type=int), disposition=args.get("disposition") or None,
                       organisation_id=args.get("organisation", type=int), chapter_id=args.get("chapter", type=int),
                       target=args.get("target") or None)


@bp.get("/review/reports/<int:report_id>/board")
@roles_required(*AUTHORS)
def board(report_id: int):
    report = _report(report_id)
    filters = _filters()
    comments = paginate(board_query(report, filters))
    handled, total = progress(report)
    organisations = board_organisations(report)
    language = current_language()
    # A refused disposition (post/redirect/get) comes back on its own comment's card.
    stash = refused()
    refused_disposition = ({"comment_id": stash.extra.get("comment_id"), "disposition": stash.formdata.get("disposition"),
                            "response": stash.formdata.get("response", ""),
                            "errors": [m for messages in stash.errors.values() for m in messages]}
                           if stash and "comment_id" in stash.extra else None)
    return render_template("review/manage/board.html", report=report, comments=comments, filters=filters,
                           handled=handled, total=total, rounds=report_rounds(report), organisations=organisations,
                           dispositions=DISPOSITIONS, targets=TARGETS, form=DispositionForm(formdata=None),
                           refused_disposition=refused_disposition,
                           target_label=lambda c: target_label(c, language), reviewer_name=reviewer_name)


@bp.post("/review/comments/<int:comment_id>/disposition")
@roles_required(*AUTHORS)
def disposition(comment_id: int):
    comment = db.session.get(ReviewComment, comment_id) or abort(404)
    form = DispositionForm()
    back = safe_next(request.form.get("next"), url_for("review.board", report_id=comment.assignment.round.report_id))
    back = f"{back}#comment-{comment.id}"
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return refuse(form, to=back, comment_id=comment.id)  # the response as typed, on its card
    try:
        set_disposition(comment, form.disposition.data, form.response.data, current_user.id)
    except ReviewError as error:
        return refuse(form, errors={"disposition": [str(error)]}, to=back, comment_id=comment.id)
    flash(_("Disposition saved."), "success")
    return redirect(back)


@bp.get("/review/reports/<int:report_id>/board.xlsx")
@export_kind("report")
@roles_required(*AUTHORS)
def board_xlsx(report_id: int):
    report = _report(report_id)
    content = export_xlsx(report, board_comments(report, _filters()), current_language())
    return send_file(BytesIO(content), as_attachment=True, download_name=f"review-comments-report-{report.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/review/rounds/<int:round_id>/changes")
@roles_required(*AUTHORS)
def changes(round_id: int):
    review_round = _round(round_id)
    version = later_version(review_round)
    items = changes_since(review_round, current_language(), version)
    return render_template("review/manage/changes.html", round=review_round, version=version, items=items,
                           dispositions=DISPOSITIONS, reviewer_name=reviewer_name)


@bp.get("/review/versions/<int:version_id>/changes")
@roles_required(*AUTHORS)
def version_changes(version_id: int):
    """A built version against the last round that reviewed an earlier version of the report."""
    version = db.session.get(ReportVersion, version_id) or abort(404)
    review_round = db.session.scalar(
        select(ReviewRound).where(ReviewRound.report_id == version.report_id,
                                  ReviewRound.opened_at <= version.created_at,
                                  (ReviewRound.report_version_id < version.id) | ReviewRound.report_version_id.is_(None))
        .order_by(ReviewRound.opened_at.desc()).limit(1))
    if review_round is None:
        flash(_("No review round took place before this version."), "error")
        return redirect(url_for("reports.show", report_id=version.report_id, _anchor="versions"))
    items = changes_since(review_round, current_language(), version)
    return render_template("review/manage/changes.html", round=review_round, version=version, items=items,
                           dispositions=DISPOSITIONS, reviewer_name=reviewer_name)
