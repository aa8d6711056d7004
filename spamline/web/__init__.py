"""The web UI and JSON API (`spamline serve`)."""
from spamline.web.app import create_app

__all__ = ["create_app"]
