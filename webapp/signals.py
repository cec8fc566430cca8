"""Every hook in one place: where a lower feature lets a higher one add something.

Features import only the features below them (docs/architecture.md, "Layers"). When a lower
one needs what a higher one knows - the report's review annex, what an organisation's merge
must move - it sends a signal declared here, and the higher feature connects a receiver at
start-up (in its `hooks.py`, imported by its package), as Indico does with blinker:

    @signals.report_review_annex.connect
    def _annex(report_id, language): ...

The sender never imports the receiver. Receivers run in no fixed order, so each signal says
what its receivers return and how the answers are combined. Two hooks need an order and
are small registries instead: what an erasure removes (`contributors/erasure.py`) and the
tables a project export carries (`projects/scope.py`, read by `projects/transfer.py`).
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()


def answers(results) -> list:
    """The receivers' return values from `signal.send(...)`, without the Nones."""
    return [value for _receiver, value in results if value is not None]


def first(results, default=None):
    """The one answer a signal with a single receiver expects, else `default`."""
    found = answers(results)
    return found[0] if found else default


# ---------------------------------------------------------------- auth

#: A user was created (flushed, not committed): sender is the User. Projects lets them join
#: the only project of a one-project installation (projects/hooks.py).
user_created = _signals.signal("user-created")

# ---------------------------------------------------------------- jobs and mail

#: A `flask worker` is starting (sender is the app): receivers make sure their repeating
#: scheduled jobs are waiting (privacy: the retention purge). Returns nothing.
worker_starting = _signals.signal("worker-starting")
#: A message is being queued (sender is its related_type, keywords `related_id` and
#: `language`): receivers return {name: url} for the message's footer (privacy: the privacy
#: statement of the project the message's link belongs to, as "privacy_url").
message_footer_links = _signals.signal("message-footer-links")

# ---------------------------------------------------------------- organisations

#: `source` is being merged into `target` (sender is `source`, keyword `target`): every
#: feature that points at organisations moves its references over with bulk statements
#: (activities: their links; findings: findings and contributors). Returns nothing.
organisation_merging = _signals.signal("organisation-merging")
#: The organisations list asks how many activities each organisation took part in: receivers
#: (activities) return {organisation_id: count}.
organisation_activity_counts = _signals.signal("organisation-activity-counts")
#: An organisation's page asks for its activities (sender is the Organisation): receivers
#: (activities) return the list, newest first.
organisation_activities = _signals.signal("organisation-activities")

# ---------------------------------------------------------------- projects

#: A new project's codebook starts (sender is the Project; keywords `how` - "empty",
#: "template" or "copy" - and `source`, the project copied): the codebook (themes/hooks.py)
#: returns how many themes it made.
project_started = _signals.signal("project-started")
#: A project export is being written inside the project (sender is the Project): receivers
#: return {file name in the ZIP: bytes} (themes: codebook.qdc).
project_export_files = _signals.signal("project-export-files")
#: A project import has inserted every table (sender is the export's document; keyword
#: `new_ids`, {table: {old id: new id}}): receivers bring older exports up to date
#: (findings: a finding's single translation of before migration 0019 becomes a row).
project_imported = _signals.signal("project-imported")

#: How many months a project keeps its people's names and contact details after their last
#: round (sender is the project id): privacy returns the period in force (members are told
#: in the consent text and their invitation).
contact_retention_months = _signals.signal("contact-retention-months")

# ---------------------------------------------------------------- activities and themes

#: An activity's page asks how many findings it has (sender is the Activity id): receivers
#: (findings) return the count.
activity_finding_count = _signals.signal("activity-finding-count")
#: The codebook screen asks how many findings carry each theme: receivers (findings) return
#: {theme_id: count}.
theme_finding_counts = _signals.signal("theme-finding-counts")
#: `source` is merged into `target` (sender is `source`, keyword `target`): findings are
#: re-tagged (findings returns the ids of the findings that had `source`), rejected
#: suggestions follow (analysis returns None).
themes_merging = _signals.signal("themes-merging")

#: An activity type is named on a screen or in a report (sender is the type code, keyword
#: `language`, None for the interface's): the glossary (glossary/hooks.py) returns the
#: current project's preferred term for it, or None to keep the fixed label.
activity_type_name = _signals.signal("activity-type-name")

# ---------------------------------------------------------------- findings

#: The capture screen asks what it shows beside the form (sender is the Activity; keyword
#: `errors`, a refused post's messages): receivers (photos) return Markup, shown above the form.
capture_panels = _signals.signal("capture-panels")
#: A finding's page asks what else it shows (sender is the Finding): receivers (photos: the
#: photo it was typed from) return Markup.
finding_panels = _signals.signal("finding-panels")

# ---------------------------------------------------------------- analysis

#: The evidence matrix asks for every recommendation with the sources of its evidence
#: ("rests on one source"): receivers (reports) return the rows.
evidence_matrix_recommendations = _signals.signal("evidence-matrix-recommendations")

# ---------------------------------------------------------------- reports

#: Collecting a report (sender is the report id, keyword `language`): the review returns its
#: field-test summary (methodology and appendix C) when the draft was reviewed in
#: Klankbord's own review rounds, else None.
report_field_test = _signals.signal("report-field-test")
#: Collecting a report with the annex "How the review was used" (sender is the report id,
#: keyword `language`): the review returns its rows (appendix E).
report_review_annex = _signals.signal("report-review-annex")
#: The findings a report's annex prints besides its evidence, in another language than
#: `language` (sender is the Report): the review returns the findings its comments became,
#: so they are listed and translated like any printed finding.
report_annex_findings = _signals.signal("report-annex-findings")
#: A new version is about to be built (sender is the ReportVersion, keyword `report`): the
#: review keeps the texts it is built from, to show what changed after a review.
report_version_created = _signals.signal("report-version-created")
#: A recommendation is about to be deleted (sender is the Recommendation): a receiver that
#: must keep it (the review: reviewers commented on it) returns the reason, translated.
recommendation_deleting = _signals.signal("recommendation-deleting")
#: `flask report build --demo` found no demo report: the demo loader loads it.
demo_wanted = _signals.signal("demo-wanted")
