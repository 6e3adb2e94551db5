"""Pages that belong to no domain: the blank page behind "Hide screen", the health check, and
the pages for a refused, missing or failed request (config.urls names them as Django's handlers).
"""

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def hidden(request: HttpRequest) -> HttpResponse:
    """A neutral page: nothing about any child, so a glance at the screen shows nothing."""
    response = render(request, "ui/hidden.html")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 (a view's signature)
    """For load balancers and monitoring: the application answers and its database responds.

    Also the benchmarks' reference: the cheapest request that still touches the database.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    """A page the person's role does not include: which role they act in, and a way back."""
    return render(request, "ui/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    """Absent, or not the person's to open: the same words for both (STYLE.md, Access)."""
    return render(request, "ui/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:  # noqa: ARG001
    """Something failed. Rendered without the request, so without the context processors that
    read the database, which may be what failed; plain text if even that goes wrong."""
    try:
        return HttpResponseServerError(loader.get_template("ui/500.html").render({}))
    except Exception:  # the error page must not fail in turn
        logging.getLogger(__name__).exception("The error page itself failed")
        return HttpResponseServerError(
            "Sorry, there is a problem with Cairn. Try again later.", content_type="text/plain"
        )
