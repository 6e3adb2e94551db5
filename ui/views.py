"""Pages that belong to no domain: the blank page behind "Hide screen"."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def hidden(request: HttpRequest) -> HttpResponse:
    """A neutral page: nothing about any child, so a glance at the screen shows nothing."""
    response = render(request, "ui/hidden.html")
    response["Cache-Control"] = "no-store"
    return response
