"""What the codebook adds to the projects below it, connected at start-up (webapp/signals.py):
a new project's first codebook, and the codebook in a project export."""
from __future__ import annotations

from pathlib import Path

from .. import signals
from ..projects.scope import in_project
from .refi_qda import codebook_qdc
from .services import export_codebook_csv, import_codebook_csv

#: The shared codebook template a new project may start from (the learning-network codebook).
CODEBOOK_TEMPLATE = Path(__file__).resolve().parent.parent / "demo" / "data" / "themes.csv"


@signals.project_started.connect
def _start_codebook(project, how: str, source=None) -> int:
    """From the shared template, or as a copy of `source`'s codebook (codes, tree, labels and
    descriptions; not the findings)."""
    if how == "template":
        text = CODEBOOK_TEMPLATE.read_text(encoding="utf-8")
    else:
        with in_project(source):
            text = export_codebook_csv()
    with in_project(project):
        return import_codebook_csv(text).created


@signals.project_export_files.connect
def _codebook_file(_project) -> dict[str, bytes]:
    """The codebook as REFI-QDA, for QDA programs (read inside the exported project)."""
    return {"codebook.qdc": codebook_qdc()}
