"""The project with its findings for a QDA program (REFI-QDA, https://www.qdasoftware.org):
a `.qdpx` zip with `project.qde` (urn:QDA-XML:project:1.0) holding the codebook, every
finding as a text source and its themes as codings over the whole text, plus the texts
themselves under `sources/`. The codebook part and the GUIDs come from themes/refi_qda.py.
"""
from __future__ import annotations

import io
import uuid
import zipfile
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..activities.types import type_label
from ..db_types import utcnow
from ..extensions import db
from ..i18n import CONTENT_LANGUAGES
from ..organisations.stakeholder_types import stakeholder_label
from ..text import export_safe
from ..themes.refi_qda import GUID_NAMESPACE, PROJECT_NS, codes_element, theme_guid, timestamp, to_bytes
from .models import Finding


def project_qdpx(project_name: str = "Klankbord") -> bytes:
    """The codebook with every (not deleted) finding as a coded text, as a .qdpx zip."""
    ET.register_namespace("", PROJECT_NS)
    ns = PROJECT_NS
    now = timestamp(utcnow())
    root = ET.Element(f"{{{ns}}}Project", {"name": export_safe(project_name), "origin": "Klankbord", "creationDateTime": now})
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    codebook.append(codes_element(ns))
    sources = ET.SubElement(root, f"{{{ns}}}Sources")
    findings = db.session.scalars(
        select(Finding).options(selectinload(Finding.themes), selectinload(Finding.activity))
        .order_by(Finding.id))
    texts: dict[str, str] = {}
    for finding in findings:
        text = export_safe(finding.text)  # what the positions count and the .txt holds
        guid = str(uuid.uuid5(GUID_NAMESPACE, f"finding:{finding.client_id}"))
        activity = finding.activity
        created = timestamp(finding.created_at)
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
        archive.writestr("project.qde", to_bytes(root))
        for guid, text in texts.items():
            archive.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
    return buffer.getvalue()
