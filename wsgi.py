"""Entry point: `flask --app wsgi ...` and WSGI servers import `app` from here."""
import gc

from webapp import create_app

app = create_app()
# Everything made at start-up (routes, models, templates' parsers) lives as long as the
# process: moved out of the garbage collector's sight, it is not scanned again on every
# collection, which otherwise pauses about one request in ten (docs/benchmarks.md).
gc.freeze()
