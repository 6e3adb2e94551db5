"""Pages that belong to no domain: the blank page behind "Hide screen", and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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
