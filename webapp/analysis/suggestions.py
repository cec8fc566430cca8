"""Theme suggestions, learned from the findings that already have themes.

A TF-IDF model over word and character n-grams of the normalised text (text.py), with one
logistic regression per theme. Character n-grams let Dutch compounds ("werkgeversaanpak")
and the demo's Arabic and Tigrinya findings share features with tagged ones. Suggestions
are only ever shown: a theme reaches a finding when a user accepts it (`accept`), and a
rejected one is remembered (`reject`) and not offered for that finding again.

Measured precision on the demo data: bench/suggestions_precision.py, docs/benchmarks.md.
"""
from __future__ import annotations

import hashlib
import pickle
import threading
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..extensions import db
from ..jobs.models import Job
from ..jobs.services import JobResult, enqueue, reconcile, set_progress
from ..findings.models import Finding, finding_themes
from ..themes.models import Theme
from ..findings.tags import touch_findings
from ..search_words import search_text_for
from .models import RejectedSuggestion

#: A theme needs this many tagged findings before it is suggested.
MIN_EXAMPLES = 3
#: Show at most this many chips per finding...
TOP_K = 3
#: ...and only those the model gives at least this probability (chosen on the demo data,
#: see docs/benchmarks.md: higher means fewer but more often right).
THRESHOLD = 0.3
#: Training takes a second or two; after tags change, a model this young is kept a while.
RETRAIN_AFTER_SECONDS = 300


@dataclass(frozen=True)
class Suggestion:
    theme: Theme
    score: float


class SuggestionModel:
    def __init__(self, vectorizer, classifier, theme_ids: list[int]):
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.theme_ids = theme_ids

    def scores(self, texts: Sequence[str]) -> "numpy.ndarray":  # noqa: F821
        """Probability per (text, theme), columns in the order of `theme_ids`."""
        features = self.vectorizer.transform([search_text_for(t) for t in texts])
        import numpy as np

        return np.asarray(self.classifier.predict_proba(features))

    def suggest(self, texts: Sequence[str], exclude: Sequence[Collection[int]] | None = None,
                top_k: int = TOP_K, threshold: float = THRESHOLD) -> list[list[tuple[int, float]]]:
        """Per text, up to `top_k` (theme_id, probability) above `threshold`, best first."""
        if not texts:
            return []
        results = []
        for index, row in enumerate(self.scores(texts)):
            skip = exclude[index] if exclude else ()
            ranked = sorted(((self.theme_ids[j], float(p)) for j, p in enumerate(row)),
                            key=lambda item: -item[1])
            results.append([(theme_id, p) for theme_id, p in ranked
                            if p >= threshold and theme_id not in skip][:top_k])
        return results


def train(examples: Sequence[tuple[str, Collection[int]]]) -> SuggestionModel | None:
    """Learn from (text, theme ids) pairs; None when there is too little to learn from."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import MultiLabelBinarizer

    counts: dict[int, int] = {}
    for _text, theme_ids in examples:
        for theme_id in theme_ids:
            counts[theme_id] = counts.get(theme_id, 0) + 1
    # A theme on every example cannot be told apart from anything: leave it out.
    learnable = sorted(t for t, n in counts.items() if MIN_EXAMPLES <= n < len(examples))
    if len(examples) < 2 * MIN_EXAMPLES or not learnable:
        return None
    binarizer = MultiLabelBinarizer(classes=learnable)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "unknown class(es) will be ignored"
        labels = binarizer.fit_transform([set(ids) & set(learnable) for _text, ids in examples])
    vectorizer = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
    ])
    features = vectorizer.fit_transform([search_text_for(text) for text, _ids in examples])
    classifier = OneVsRestClassifier(LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear"))
    classifier.fit(features, labels)
    return SuggestionModel(vectorizer, classifier, learnable)


def training_examples(exclude_finding_ids: Collection[int] = ()) -> list[tuple[int, str, set[int]]]:
    """(finding id, text, theme ids) of every tagged finding, archived themes left out."""
    rows = db.session.execute(
        select(Finding.id, Finding.text, finding_themes.c.theme_id)
        .join(finding_themes, finding_themes.c.finding_id == Finding.id)
        .join(Theme, Theme.id == finding_themes.c.theme_id)
        .where(Theme.archived.is_(False))
        .order_by(Finding.id)).all()
    examples: dict[int, tuple[str, set[int]]] = {}
    for finding_id, text, theme_id in rows:
        if finding_id not in exclude_finding_ids:
            examples.setdefault(finding_id, (text, set()))[1].add(theme_id)
    return [(finding_id, text, ids) for finding_id, (text, ids) in examples.items()]


_lock = threading.Lock()
TRAIN_KIND = "train_suggestions"


def _fingerprint() -> str:
    """Changes whenever a tag is added or removed or a finding's text changes."""
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(finding_themes.c.finding_id * 7919 + finding_themes.c.theme_id), 0),
               func.max(Finding.updated_at))
        .select_from(finding_themes).join(Finding, Finding.id == finding_themes.c.finding_id)).one()
    return hashlib.sha1(repr(tuple(row)).encode()).hexdigest()


def train_job(fingerprint: str) -> JobResult:
    """Job: learn the model from the tags as they are and keep it (pickled) as the job's result,
    where every web process on every machine can load it."""
    set_progress(10)
    model = train([(text, ids) for _id, text, ids in training_examples()])
    set_progress(90)
    return JobResult(pickle.dumps(model), f"suggestions-{fingerprint[:12]}.pickle", "application/octet-stream")


def current_model(max_age: float = RETRAIN_AFTER_SECONDS) -> SuggestionModel | None:
    """The newest trained model, or None while the first one is being learned; never waits.

    Training is a job (webapp/jobs). When the tags changed since the newest model and that
    model is more than `max_age` seconds old (or there is none), a training job is started,
    unless one is under way; until it is done the page shows the model it has (the themes a
    finding already has are never suggested, whatever the model's age).
    """
    # Kept on the app (one per process and database), not in a module global shared by apps.
    cache = current_app.extensions.setdefault("klankbord_suggestion_model", {})
    fingerprint = _fingerprint()
    newest = db.session.execute(
        select(Job.id, Job.subject, Job.finished_at).where(Job.kind == TRAIN_KIND, Job.state == "done")
        .order_by(Job.id.desc()).limit(1)).first()
    with _lock:
        if newest is not None and cache.get("job_id") != newest.id:
            payload = db.session.scalar(select(Job.result).where(Job.id == newest.id))
            cache.update(job_id=newest.id, model=pickle.loads(payload))  # our own job's result, never user input
        up_to_date = newest is not None and newest.subject == f"suggestions:{fingerprint}"
        young = newest is not None and (utcnow() - newest.finished_at).total_seconds() < max_age
        if not up_to_date and not young and not _training_under_way():
            job = enqueue(train_job, fingerprint, kind=TRAIN_KIND, subject=f"suggestions:{fingerprint}")
            if job.state == "done":  # run inline (tests, JOBS_INLINE)
                cache.update(job_id=job.id, model=pickle.loads(job.result))
        return cache.get("model")


def _training_under_way() -> bool:
    for job in db.session.scalars(select(Job).where(Job.kind == TRAIN_KIND, Job.state.in_(("queued", "running")))):
        if not reconcile(job).finished:
            return True
    return False


def model_pending() -> bool:
    """True while the first model is being learned (the page says so instead of waiting)."""
    return "model" not in current_app.extensions.get("klankbord_suggestion_model", {}) and _training_under_way()


def suggestions_for(findings: Sequence[Finding]) -> dict[int, list[Suggestion]]:
    """Chips for each finding: not already on it, not rejected for it, not archived."""
    if not findings:
        return {}
    model = current_model()
    if model is None:
        return {}
    rejected: dict[int, set[int]] = {}
    for finding_id, theme_id in db.session.execute(
            select(RejectedSuggestion.finding_id, RejectedSuggestion.theme_id)
            .where(RejectedSuggestion.finding_id.in_([f.id for f in findings]))):
        rejected.setdefault(finding_id, set()).add(theme_id)
    themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.id.in_(model.theme_ids)))}
    exclude = [{t.id for t in f.themes} | rejected.get(f.id, set()) for f in findings]
    results = model.suggest([f.text for f in findings], exclude)
    return {finding.id: [Suggestion(themes[theme_id], score) for theme_id, score in found
                         if theme_id in themes and not themes[theme_id].archived]
            for finding, found in zip(findings, results)}


def accept(finding: Finding, theme: Theme) -> None:
    """The user said yes: the finding gets the theme."""
    if theme.archived:
        raise ValueError("archived theme")
    exists = db.session.scalar(select(func.count()).select_from(finding_themes).where(
        finding_themes.c.finding_id == finding.id, finding_themes.c.theme_id == theme.id))
    if not exists:
        db.session.execute(finding_themes.insert().values(finding_id=finding.id, theme_id=theme.id))
        touch_findings([finding.id])
    db.session.commit()
    db.session.expire_all()


def reject(finding: Finding, theme: Theme, user) -> None:
    """The user said no: never suggest this theme for this finding again."""
    db.session.add(RejectedSuggestion(finding_id=finding.id, theme_id=theme.id,
                                      rejected_by_id=getattr(user, "id", None)))
    try:
        db.session.commit()
    except IntegrityError:  # rejected twice (double tap): once is enough
        db.session.rollback()


def rank_by_closeness(text: str, candidates: Sequence[tuple[int, str]]) -> list[tuple[int, float]]:
    """(id, score) of `candidates` (id, search words), closest in words to `text` first.

    The same TF-IDF word and character n-grams as the theme model, fitted on the candidates
    themselves; the score is the cosine similarity (0: no word in common). Ties keep id order.
    """
    if not candidates:
        return []
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    query = search_text_for(text)
    documents = [words for _id, words in candidates]
    if not query.strip() or not any(d.strip() for d in documents):
        return [(finding_id, 0.0) for finding_id, _words in candidates]
    vectorizer = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 1), sublinear_tf=True, token_pattern=r"\S+")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
    ])
    try:
        matrix = vectorizer.fit_transform([*documents, query])
    except ValueError:  # nothing but stop characters
        return [(finding_id, 0.0) for finding_id, _words in candidates]
    # TfidfVectorizer rows are L2-normalised per part: the dot product is the (halved) cosine.
    scores = np.asarray((matrix[:-1] @ matrix[-1].T).todense()).ravel() / 2
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], candidates[i][0]))
    return [(candidates[i][0], round(float(scores[i]), 4)) for i in order]
