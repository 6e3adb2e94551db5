"""Text direction controls neutralised on every page (issue 14, item 9).

Free text (a concern, a child's words, a decision's reasons) is stored exactly as written:
records are evidence and are never rewritten. What a page shows must not be reordered by a hidden
right-to-left override or isolate inside that text ("Trojan Source"; a name or a date made to
read as something else), so every HTML page leaves without them (audit.bounds.BIDI_REORDERING).
Right-to-left writing itself still shows correctly: the browser orders Arabic or Hebrew letters
by their own direction, and the left-to-right and right-to-left marks are kept. Names are held
to a stricter rule: a name holding any of these characters is refused when it is entered
(audit.bounds.name_problem). CSV exports are guarded by chronology.exports.safe_csv_cell.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# U+202A to U+202E and U+2066 to U+2069, as UTF-8 bytes.
_REORDERING_UTF8 = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


class BidiNeutraliseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        cleaned = _REORDERING_UTF8.sub(b"", content)
        if len(cleaned) != len(content):
            response.content = cleaned
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(cleaned))
        return response
