"""The report services, one module per concern. This file only says where each one lives
(and keeps `from webapp.reports.services import ...` working); import from the module itself.

| module | what it does |
|---|---|
| `texts.py` | `ReportError`; footnotes numbered across the report, dates, register names as printed |
| `survey_results.py` | surveys a chapter may show, their counts and charts as the PDF prints them |
| `translations.py` | what a build would print untranslated; the translation screen's queue and save |
| `evidence.py` | the evidence picker, links and quote marks, counts by source, the evidence line |
| `attribution.py` | how a finding prints: a quote or a summary, its source named as consent allows |
| `preflight.py` | what stops a version's publication, with the screen that fixes each |
| `arranging.py` | boxes and where they stand, the order of recommendations, deleting one |
| `methodology.py` | the methodology chapter and appendices A-C, counted in the register |
| `collect.py` | `collect_report`: the whole report as plain data; the content hash; rendering |
| `builds.py` | versions and builds (jobs, time limit, failure reasons); withdrawal after an erasure |
| `publishing.py` | publishing a finished build |
"""
from .arranging import (box_place, box_places, delete_recommendation, good_examples, move_recommendation,  # noqa: F401
                        save_box)
from .attribution import annex_entry, may_quote as is_quotable, printed_evidence  # noqa: F401
from .builds import (build_to_bytes, built_from_current_data, demo_report, failure_reason, run_build,  # noqa: F401
                     start_build, version_job, version_status, withdraw_versions_printing)
from .collect import collect_report, content_hash, render_file  # noqa: F401
from .evidence import (EvidenceFilters, evidence_candidates, evidence_summary, recommendation_sources,  # noqa: F401
                       set_evidence, update_evidence)
from .methodology import appendices, methodology  # noqa: F401
from .publishing import publish_version  # noqa: F401
from .survey_results import chapter_survey_choices, report_svg, set_chapter_surveys, survey_results  # noqa: F401
from .texts import ReportError  # noqa: F401
from .translations import (TRANSLATION_MAX_LENGTH, missing_register_names, missing_translations,  # noqa: F401
                           review_comment_findings, save_translation, translation_queue, untranslated_findings,
                           untranslated_review_comments)
