"""Export to the REFI-QDA exchange standard (https://www.qdasoftware.org), so researchers
can continue in NVivo, ATLAS.ti, MAXQDA or Taguette.

- `codebook_qdc()`: the codebook alone (`.qdc`, namespace urn:QDA-XML:codebook:1.0).
- `project_qdpx()`: a `.qdpx` zip: `project.qde` (urn:QDA-XML:project:1.0) with the
  codebook, every finding as a text source and its themes as codings over the whole
  text, plus the texts themselves under `sources/`.

GUIDs are derived from the theme code and the finding's client_id, so exporting twice
gives the same identifiers and a re-import in the QDA program recognises its codes.
"""
from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..activities.types import type_label
from ..db_types import utcnow
from ..extensions import db
from ..i18n import CONTENT_LANGUAGES, localized
from ..organisations.stakeholder_types import stakeholder_label
from ..text import export_safe
from .models import Theme
from .services import all_themes

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: Fixed namespace for our GUIDs: stable across exports and machines.
GUID_NAMESPACE = uuid.UUID("4b0f5a0e-9a55-4f57-8a1f-3c1d8f0b2f61")


def theme_guid(theme: Theme) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"theme:{theme.code}"))


def _timestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _codes_element(namespace: str) -> ET.Element:
    """<Codes> with the codebook as nested <Code> elements (merged themes left out)."""
    themes = [t for t in all_themes() if t.merged_into_id is None]
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    codes = ET.Element(f"{{{namespace}}}Codes")

    def add(parent_element: ET.Element, parent_id: int | None) -> None:
        for theme in children.get(parent_id, []):
            element = ET.SubElement(parent_element, f"{{{namespace}}}Code", {
                "guid": theme_guid(theme), "name": export_safe(localized(theme, "label") or theme.code),
                "isCodable": "false" if theme.archived else "true"})
            description = "\n\n".join(filter(None, (
                theme.code, theme.label_nl, theme.label_en, theme.description_nl, theme.description_en)))
            ET.SubElement(element, f"{{{namespace}}}Description").text = export_safe(description)
            add(element, theme.id)

    add(codes, None)
    return codes


def _to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def codebook_qdc() -> bytes:
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": "Klankbord"})
    root.append(_codes_element(CODEBOOK_NS))
    return _to_bytes(root)


def project_qdpx(project_name: str = "Klankbord") -> bytes:
    """The codebook with every (not deleted) finding as a coded text, as a .qdpx zip."""
    from ..findings.models import Finding

    ET.register_namespace("", PROJECT_NS)
    ns = PROJECT_NS
    now = _timestamp(utcnow())
    root = ET.Element(f"{{{ns}}}Project", {"name": export_safe(project_name), "origin": "Klankbord", "creationDateTime": now})
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    codebook.append(_codes_element(ns))
    sources = ET.SubElement(root, f"{{{ns}}}Sources")
    findings = db.session.scalars(
        select(Finding).options(selectinload(Finding.themes), selectinload(Finding.activity))
        .order_by(Finding.id))
    texts: dict[str, str] = {}
    for finding in findings:
        text = export_safe(finding.text)  # what the positions count and the .txt holds
        guid = str(uuid.uuid5(GUID_NAMESPACE, f"finding:{finding.client_id}"))
        activity = finding.activity
        created = _timestamp(finding.created_at)
        source = ET.SubElement(sources, f"{{{ns}}}TextSource", {
            "guid": guid, "name": export_safe(f"{type_label(activity.type)} {activity.number} – {finding.id}"),
            "plainTextPath": f"internal://{guid}.txt", "creationDateTime": created})
        facts = [activity.title, str(CONTENT_LANGUAGES.get(finding.language, finding.language)),
                 stakeholder_label(finding.stakeholder_type), finding.kind]
        ET.SubElement(source, f"{{{ns}}}Description").text = export_safe(" · ".join(filter(None, facts)))
        if finding.themes:
            # Positions count Unicode characters, as the standard says.
            selection = ET.SubElement(source, f"{{{ns}}}PlainTextSelection", {
                "guid": str(uuid.uuid5(GUID_NAMESPACE, f"selection:{finding.client_id}")),
                "name": text[:60], "startPosition": "0", "endPosition": str(len(text)),
                "creationDateTime": created})
            for theme in finding.themes:
                coding = ET.SubElement(selection, f"{{{ns}}}Coding", {
                    "guid": str(uuid.uuid5(GUID_NAMESPACE, f"coding:{finding.client_id}:{theme.code}")),
                    "creationDateTime": created})
                ET.SubElement(coding, f"{{{ns}}}CodeRef", {"targetGUID": theme_guid(theme)})
        texts[guid] = text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _to_bytes(root))
        for guid, text in texts.items():
            archive.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
    return buffer.getvalue()
