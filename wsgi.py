"""Entry point: `flask --app wsgi ...` and WSGI servers import `app` from here."""
from webapp import create_app

app = create_app()
