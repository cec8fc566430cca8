"""The kinds of stakeholder a finding or organisation can speak for.

A fixed vocabulary (not a table): the evidence matrix and the report count by it, and the
report's methodology names them, so the list changes only with a release.
"""
from ..i18n import _l

STAKEHOLDER_TYPES = {
    "municipality": _l("Municipality"),
    "employer": _l("Employer"),
    "education": _l("Education"),
    "ngo": _l("NGO"),
    "network": _l("Network or branch organisation"),
    "government": _l("Central government"),
    "government_advisory": _l("Government advisory body"),
    "knowledge_institute": _l("Knowledge institute"),
    "learn_work_desk": _l("Learning and working desk"),
    "employer_service_point": _l("Employer service point"),
    "permit_holder": _l("Permit holder"),
    "other": _l("Other"),
}


def stakeholder_label(code: str | None) -> str:
    return str(STAKEHOLDER_TYPES.get(code, code or "")) if code else ""
