"""The reviewer's pages (public, token-checked): /r/<token>, its chapters, saving and
submitting comments. The authors' screens are routes.py."""
from __future__ import annotations

import re
from types import SimpleNamespace

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for

from ..access import public
from ..i18n import _, current_language
from ..refused_forms import refuse, refused
from . import bp
from .board import target_label
from .comments import (CommentInput, comment_as_json, comment_key, comments_by_key, delete_comment, earlier_comments,
                       own_comment, save_comment, submit)
from .forms import ActionForm, CommentForm
from .models import ReviewAssignment
from .services import ReviewError, assignment_by_token, can_edit, round_chapters, today

_FOOTNOTE = re.compile(r"\[\^[A-Za-z0-9_.-]{1,60}\]")


def _paragraphs(text: str) -> list[str]:
    """A frozen text as paragraphs; source marks ([^key]) are for the printed report only."""
    return [p.strip() for p in re.split(r"\n\s*\n", _FOOTNOTE.sub("", text or "")) if p.strip()]


@bp.after_request
def _private(response):
    # Reviewer pages carry the secret in their URL: no caching, no referrer to other sites.
    if request.endpoint and request.endpoint.startswith("review.reviewer"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _assignment(token: str) -> ReviewAssignment:
    assignment = assignment_by_token(token)
    if assignment is None:
        # The same public page for an unknown, revoked, expired or tampered link (like /f and /i):
        # no staff navigation, nothing about the round.
        abort(make_response(render_template("review/reviewer/invalid.html", texts={}, token=None), 404))
    return assignment


def _reviewer_context(assignment: ReviewAssignment, token: str) -> dict:
    review_round = assignment.round
    return {"assignment": assignment, "round": review_round, "token": token, "texts": review_round.texts,
            "chapters": round_chapters(review_round), "editable": can_edit(assignment),
            "closed": review_round.is_closed(today()), "mine": comments_by_key(assignment.comments),
            "earlier": earlier_comments(assignment), "paragraphs": _paragraphs, "action_form": ActionForm()}


@bp.get("/r/<token>")
@public  # the token is the key: _assignment refuses unknown, revoked and expired links
def reviewer_home(token: str):
    return _reviewer_home_page(_assignment(token), token)


def _typed_comments() -> dict:
    """The comment a reviewer typed and we refused (post/redirect/get), with its reason."""
    stash = refused()
    return {key: SimpleNamespace(**value) for key, value in stash.extra.get("typed", {}).items()} if stash else {}


def _reviewer_home_page(assignment: ReviewAssignment, token: str):
    typed = _typed_comments()
    context = _reviewer_context(assignment, token)
    if not context["editable"]:
        labels = [(target_label(c, current_language()), c) for c in assignment.comments]
        return render_template("review/reviewer/closed.html", labels=labels, **context)
    context["mine"].update(typed)
    return render_template("review/reviewer/home.html", form=CommentForm(formdata=None), **context)


@bp.get("/r/<token>/chapters/<int:chapter_id>")
@public
def reviewer_chapter(token: str, chapter_id: int):
    return _reviewer_chapter_page(_assignment(token), token, chapter_id)


def _reviewer_chapter_page(assignment: ReviewAssignment, token: str, chapter_id: int):
    typed = _typed_comments()
    context = _reviewer_context(assignment, token)
    chapters = context["chapters"]
    index = next((i for i, c in enumerate(chapters) if c["id"] == chapter_id), None)
    if index is None:
        abort(404)
    context["mine"].update(typed)
    questions = [q for q in assignment.round.questions if q.chapter_id == chapter_id]
    return render_template("review/reviewer/chapter.html", chapter=chapters[index], questions=questions,
                           previous=chapters[index - 1] if index > 0 else None,
                           next=chapters[index + 1] if index + 1 < len(chapters) else None,
                           form=CommentForm(formdata=None), **context)


def _comment_refused(assignment: ReviewAssignment, token: str, form: CommentForm, message: str):
    """The page again, the comment box holding what the reviewer typed and why it was not saved."""
    chapter_id = _int(request.form.get("chapter_id"))
    recommendation_id, question_id = _int(request.form.get("recommendation_id")), _int(request.form.get("question_id"))
    target = request.form.get("target") or ""
    typed = {comment_key(target, chapter_id, recommendation_id, question_id): dict(
        text=request.form.get("text") or "", relevance=_int(request.form.get("relevance")),
        workability=_int(request.form.get("workability")), error=message)}
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), 400
    if target != "report" and chapter_id is not None and any(c["id"] == chapter_id for c in round_chapters(assignment.round)):
        return refuse(errors={"text": [message]}, to=url_for("review.reviewer_chapter", token=token,
                                                             chapter_id=chapter_id), typed=typed)
    return refuse(errors={"text": [message]}, to=url_for("review.reviewer_home", token=token), typed=typed)


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@bp.post("/r/<token>/comments")
@public
def reviewer_save(token: str):
    assignment = _assignment(token)
    form = CommentForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        # Too long, or a refused character: the page comes back with the text kept.
        message = next(iter(form.text.errors), None) or _("The comment could not be saved. Please try again.")
        return _comment_refused(assignment, token, form, message)
    data = CommentInput(target=form.target.data, chapter_id=form.chapter_id.data,
                        recommendation_id=form.recommendation_id.data, question_id=form.question_id.data,
                        relevance=_int(form.relevance.data), workability=_int(form.workability.data),
                        text=form.text.data or "", language=current_language())
    try:
        save_comment(assignment, data)
    except ReviewError as error:
        if not can_edit(assignment):
            flash(str(error), "error")
            return redirect(url_for("review.reviewer_home", token=token))
        return _comment_refused(assignment, token, form, str(error))
    if request.accept_mimetypes.best == "application/json":
        return jsonify([comment_as_json(c) for c in assignment.comments])
    flash(_("Your comment is saved. You can change it until you submit."), "success")
    anchor = f"rec-{data.recommendation_id}" if data.target == "recommendation" else (
        f"q-{data.question_id}" if data.question_id else "chapter-comment")
    if data.target == "report":
        return redirect(url_for("review.reviewer_home", token=token, _anchor="report-comment"))
    return redirect(url_for("review.reviewer_chapter", token=token, chapter_id=data.chapter_id, _anchor=anchor))


@bp.post("/r/<token>/comments/<int:comment_id>/delete")
@public
def reviewer_delete(token: str, comment_id: int):
    assignment = _assignment(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        found = delete_comment(assignment, comment_id)
    except ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("review.reviewer_home", token=token))
    if not found:
        abort(404)  # another reviewer's comment looks exactly like one that does not exist
    flash(_("Comment removed."), "success")
    return redirect(url_for("review.reviewer_home", token=token))


@bp.get("/r/<token>/comments.json")
@public
def reviewer_comments_json(token: str):
    assignment = _assignment(token)
    return jsonify([comment_as_json(c) for c in assignment.comments])


@bp.get("/r/<token>/comments/<int:comment_id>.json")
@public
def reviewer_comment_json(token: str, comment_id: int):
    assignment = _assignment(token)
    comment = own_comment(assignment, comment_id) or abort(404)
    return jsonify(comment_as_json(comment))


@bp.post("/r/<token>/submit")
@public
def reviewer_submit(token: str):
    assignment = _assignment(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        submit(assignment)
    except ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("review.reviewer_home", token=token))
    flash(_("Thank you. Your comments have been sent to the authors."), "success")
    return redirect(url_for("review.reviewer_home", token=token))
