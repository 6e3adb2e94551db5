"""Where a `next` parameter may send someone: only back into Cairn (issue 14, item 5).

Every view that redirects to a `next` given in the request reads it here, through Django's own
`url_has_allowed_host_and_scheme`, so that a link such as
`/sign-in/two-factor/?next=https://evil.example/` cannot send a person who has just signed in
to a page made to look like Cairn.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest) -> str:
    """The request's `next` (posted or in the query string) if it leads back into this site,
    on the same scheme when the request is secure; otherwise ""."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    if not candidate:
        return ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""
