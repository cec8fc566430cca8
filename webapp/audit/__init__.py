"""The audit log: who created, changed, deleted, exported, built, published or erased what,
and when. Never whose words or which name: `record_audit` refuses free text in details."""
from flask import Blueprint

bp = Blueprint("audit", __name__, template_folder="templates")

from . import routes, tracking  # noqa: E402,F401  (tracking: the flush listener that audits changes)
from .downloads import init_audit  # noqa: E402,F401
