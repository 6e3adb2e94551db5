"""The pages benchmark finds pages rather than listing them: its discovery over the real URL
resolver and real HTML (bench/pages.py)."""

from bench.pages import Found, links, route_of, routes, skipped_reason


def test_every_pattern_in_the_resolver_is_a_candidate_with_its_parameters():
    found = {r.route: r for r in routes()}
    assert found["health/"].params == {}
    assert found["pupils/<uuid:pupil_id>/"].params == {"pupil_id": "uuid"}
    assert found["pupils/<uuid:pupil_id>/"].name == "pupils:detail"
    assert "chronology/<uuid:pupil_id>/" in found


def test_only_the_sites_own_pages_are_followed():
    html = (
        '<a href="/pupils/?q=a&amp;page=2">x</a> <a href="https://example.org/">out</a>'
        '<link href="/static/app.css"> <a href="#main">skip</a> <a href="relative/">r</a>'
        "<a href='/findings/'>f</a>"
    )
    assert links(html) == ["/pupils/?q=a&page=2", "/findings/"]
    assert route_of("/pupils/?q=a") == "pupils/"
    assert route_of("/no-such-page/") is None


def test_what_is_not_measured_says_why():
    pattern = next(r for r in routes() if r.route == "concerns/<uuid:concern_id>/note/")
    post_only = Found(route=pattern, statuses={"DSL /concerns/x/note/": 405})
    assert skipped_reason(post_only) == "answers no GET (a form's POST target)"
    refused = Found(route=pattern, statuses={"DSL a": 403, "teacher b": 404})
    assert skipped_reason(refused) == "answered 403, 404 for the DSL and the teacher"
    assert "no link to it" in skipped_reason(Found(route=pattern))
    slow = Found(route=pattern, path="/x", first_ms=1500.0, content_type="application/pdf")
    assert "over 1 s" in skipped_reason(slow)
    page = Found(route=pattern, path="/x", first_ms=1500.0, content_type="text/html")
    assert skipped_reason(page) == ""
