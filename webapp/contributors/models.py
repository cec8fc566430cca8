"""The audit trail of privacy actions moved to webapp/audit/ (the audit log of every action)."""
from ..audit.models import AuditEntry  # noqa: F401
