"""WSGI entry point (gunicorn telcrm.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcrm.settings")
application = get_wsgi_application()
