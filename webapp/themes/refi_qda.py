"""Export to the REFI-QDA exchange standard (https://www.qdasoftware.org), so researchers
can continue in NVivo, ATLAS.ti, MAXQDA or Taguette.

- `codebook_qdc()`: the codebook alone (`.qdc`, namespace urn:QDA-XML:codebook:1.0).
- the `.qdpx` project with the findings as coded texts is the findings' export
  (`findings/refi_qda.py`), built with the helpers here.

GUIDs are derived from the theme code and the finding's client_id, so exporting twice
gives the same identifiers and a re-import in the QDA program recognises its codes.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from xml.etree import ElementTree as ET


from ..i18n import localized
from ..text import export_safe
from .models import Theme
from .services import all_themes

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: Fixed namespace for our GUIDs: stable across exports and machines.
GUID_NAMESPACE = uuid.UUID("4b0f5a0e-9a55-4f57-8a1f-3c1d8f0b2f61")


def theme_guid(theme: Theme) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"theme:{theme.code}"))


def timestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def codes_element(namespace: str) -> ET.Element:
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


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def codebook_qdc() -> bytes:
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": "Klankbord"})
    root.append(codes_element(CODEBOOK_NS))
    return to_bytes(root)
