from flask import Blueprint

from ..access import ADMIN, AUTHOR, roles_required


class _Blueprint(Blueprint):
    # The build page's script and the PDF stylesheet: only report authors need them over HTTP
    # (the PDF renderer reads the stylesheet from disk through pdf.StaticOnlyFetcher).
    @roles_required(ADMIN, AUTHOR)
    def send_static_file(self, filename):
        return super().send_static_file(filename)


# Screens under /reports, the `flask report ...` commands, and the report's own static files.
bp = _Blueprint("reports", __name__, template_folder="templates", static_folder="static",
                static_url_path="/static", url_prefix="/reports", cli_group="report")

from . import cli, figure_routes, hooks, routes, titles, version_routes  # noqa: E402,F401
