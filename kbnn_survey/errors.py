"""Server errors: a database outage is a 503 page in the customer's language with Retry-After,
never a bare 500. The survey form keeps its idempotency key, so sending the page again once the
database is back stores the answers once."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        # Rendered without the request: its context processors (the user, the session) would
        # ask the database that is down.
        response = HttpResponse(render_to_string("503_database.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request, template_name)
