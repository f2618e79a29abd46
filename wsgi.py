"""WSGI entry point: ``gunicorn wsgi:app`` (configuration from ARCHIVE_HOME / ARCHIVE_DATABASE_URL)."""

from web import create_app

app = create_app()
