"""The robust profile: what the lesson leaves broken or unsaid (POLICY.md)."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from flask_conformance.data.exchange import Request
from flask_conformance.data.exercise import in_exercise
from flask_conformance.reading.pages import is_plain_text, rendered_text, shows_name
from flask_conformance.reading.strategies import (
    HTTP_METHODS,
    UNROUTABLE_NAMES,
    any_names,
    paths,
    query_strings,
    raw_bodies,
)


@pytest.mark.requirement("ROBUST-MISSING-NAME")
@pytest.mark.parametrize(
    ("method", "query", "form"),
    [
        ("GET", None, None),
        ("GET", {"nm": ""}, None),
        ("POST", None, {}),
        ("POST", None, {"nm": ""}),
        ("POST", {"nm": "alice"}, None),
    ],
    ids=["get-no-nm", "get-empty-nm", "post-no-nm", "post-empty-nm", "post-nm-only-in-url"],
)
def test_missing_name_is_refused(client, method, query, form):
    client.require_routes("login")
    ex = client.exercise
    query, form = in_field(ex, query), in_field(ex, form)  # the cases name the lesson's field
    exchange = client.send(method, ex.login, query=query, form=form)
    if not is_refusal(exchange.response):
        client.fail(
            f"{method} {ex.login} without a name in the {'form' if method == 'POST' else 'query string'} "
            "should be refused with a 4xx (400 Bad Request), not a crash or a redirect to a missing page"
            + refusal_note(exchange.response),
            exchange,
        )


def in_field(exercise, fields):
    return None if fields is None else {exercise.field if key == "nm" else key: value for key, value in fields.items()}


# RFC 9110 §15.5.2, §15.5.6, §15.5.8: these refusals are malformed without their header.
REFUSAL_MUST_CARRY = {401: "WWW-Authenticate", 405: "Allow", 407: "Proxy-Authenticate"}


def is_refusal(response):
    """A well-formed 4xx: any of them, but a 401, 405 or 407 must carry the header the RFC requires."""
    header = REFUSAL_MUST_CARRY.get(response.status)
    return 400 <= response.status < 500 and (header is None or response.header(header) is not None)


def refusal_note(response):
    header = REFUSAL_MUST_CARRY.get(response.status)
    return f" (a {response.status} must carry a {header} header: RFC 9110)" if header else ""


FORM = "application/x-www-form-urlencoded"
KNOWN_HARD_REQUESTS = [
    ("POST", "/login", "", (b"nm=Zo\xeb", FORM)),
    ("POST", "/login", "nm=%FF", (b"nm=%FF%C3", FORM)),
    ("POST", "/login", "", (b"--B\r\nContent-Disposition: form-data\r\n", "multipart/form-data; boundary=B")),
    ("POST", "/login", "", (b'{"nm": ["a"]}', "application/json")),
    ("POST", "/login", "", (b"\xff\xfe\x00", "text/plain")),
    ("GET", "/login", "nm=%C3", (b"", None)),
    ("GET", "/login", "nm", (b"", None)),
    ("BREW", "/login", "", (b"", None)),
    ("GET", "/success/%FF", "", (b"", None)),
    ("GET", "/", "", (b"", None)),
    ("GET", "/login", "nm=" + "x" * 12_000, (b"", None)),
    ("POST", "/login", "", (b"nm=" + b"x" * 12_000, FORM)),
    ("POST", "/login", "", (b"nm=a&nm=b&nm=", FORM)),
]


def with_known_hard_requests(test):
    """Requests that broke real submissions, tried before the generated ones."""
    for method, path, query, body in reversed(KNOWN_HARD_REQUESTS):
        test = example(method=method, path=path, query=query, body=body)(test)
    return test


@pytest.mark.requirement("ROBUST-NO-5XX")
@given(method=st.sampled_from(HTTP_METHODS), path=paths(), query=query_strings(), body=raw_bodies())
@with_known_hard_requests
def test_no_server_errors(client, lesson_routes, method, path, query, body):
    content, content_type = body
    headers = (("Content-Type", content_type),) if content_type else ()
    # Written in the lesson's terms (/login, nm), sent in the exercise's.
    request = in_exercise(Request(method, path, query, headers, content))
    exchange = client.send_raw(request.method, request.path, query=request.query, body=request.body, headers=headers)
    if server_error(exchange.response):
        client.fail(
            "no request should make the app fail with a 5xx: a bad request deserves a 4xx",
            client.shortest_alike(exchange, server_error),
            request_is_the_example=True,
        )


def server_error(response):
    return not response.answered or response.status >= 500


def flow_ends_well(client, method, name):
    ex = client.exercise
    login = client.login(method, name)
    if is_refusal(login.response):
        return
    if 400 <= login.response.status < 500:
        client.fail(
            f"{method} {ex.login} with {ex.field}={name!r} may be refused, with a well-formed 4xx"
            + refusal_note(login.response),
            login,
        )

    welcome = client.follow(login) if client.redirects(login) else None
    if welcome is None or welcome.response.status != 200 or not shows_name(welcome.response.text, name):
        client.fail(
            f"{method} {ex.login} with {ex.field}={name!r} should either lead to a page showing the name {name!r} "
            f"or be refused with a 4xx at {ex.login}; the redirect leads to {client.location(login)}, which answers "
            f"{welcome.response.status if welcome else 'nothing'}",
            login,
        )


@pytest.mark.requirement("ROBUST-UNROUTABLE")
@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("name", UNROUTABLE_NAMES)
def test_unroutable_names(client, lesson_routes, method, name):
    flow_ends_well(client, method, name)


@pytest.mark.requirement("ROBUST-UNROUTABLE")
@given(method=st.sampled_from(["POST", "GET"]), name=any_names())
def test_every_name_ends_well(client, lesson_routes, method, name):
    flow_ends_well(client, method, name)


@pytest.mark.requirement("ROBUST-ESCAPE")
@pytest.mark.parametrize("name", ["<b>bold", "<img src=x onerror=alert(1)>", "&lt;", "\"'><i>x"])
def test_name_is_escaped(client, name):
    exchange = client.welcome(name)
    body = exchange.response.text
    markup = not is_plain_text(exchange.response.header("Content-Type"))  # text/plain shows markup as text
    shown = rendered_text(body) if markup else body
    if (
        exchange.response.status != 200
        or not shows_name(shown, name)
        or (markup and name.startswith("<") and name in body)
    ):
        client.fail(
            f"the welcome page should show {name!r} as text, escaped (markupsafe.escape or a template), "
            f"so a browser displays '{client.exercise.greets(name)}'; a browser displays {shown[:80]!r}",
            exchange,
        )


@pytest.mark.requirement("ROBUST-CHARSET")
def test_form_page_declares_utf8(client, form_page):
    if not form_page.declares_utf8():
        client.fail(
            f'{form_page.path.name} should declare UTF-8 (<meta charset="utf-8"> in its head): from a page '
            "without one, Chromium posts Zoë as Zo%EB and the welcome page shows Zo%EB",
            got=f"meta charset {form_page.meta_charset!r}",
        )
