"""Any name a browser can carry round-trips: login, redirect, welcome (generated with Hypothesis)."""

import pytest
from hypothesis import example, given

from flask_conformance.reading.pages import shows_name
from flask_conformance.reading.strategies import name_batches, what_is_special

# A plain name first: an app that fails every name is shown failing for alice, not for a hard one.
HARD_CASES = [
    "alice",
    "a?b",
    "a#b",
    "100%",
    "a+b",
    "a&nm=b",
    "a b",
    "Zoë 日本",
    "%20",
    "%2e%2e",
    "&amp;",
    "..a",
    "a\u00a0b",
]
HARD_CASES.append("Zoë 日本 a?b#c%d+e&f=g; " * 10)  # 220 characters: a page that cuts names short fails


def with_hard_cases(test):
    """Always try the cases an f-string or a hand-made quote gets wrong, before the generated ones."""
    for case in reversed(HARD_CASES):
        test = example(batch=[case])(test)
    return test


def shown(name):
    """The name as a failure quotes it, with what is special about it when it is not plain."""
    special = what_is_special(name)
    return f"{name!r} ({special})" if special else repr(name)


def round_trip(client, method, name):
    login = client.login(method, name)
    if not client.redirects(login) or client.redirected_name(login) != name:
        target = client.location(login)
        arrival = f"it arrives at {target}" if target else "it is not redirected"
        client.fail(
            f"{method} {client.exercise.login} with {client.exercise.field}={shown(name)} should redirect to "
            f"{client.exercise.success}, the name "
            f"percent-encoded so that the browser arrives at that name; {arrival}",
            login,
        )
    welcome = client.follow(login)
    if welcome is None or welcome.response.status != 200 or not shows_name(welcome.response.text, name):
        client.fail(
            f"the page the redirect leads to should answer 200 and show the name {shown(name)}", welcome or login
        )


@pytest.mark.requirement("NAMES-POST")
@given(batch=name_batches())
@with_hard_cases
def test_names_by_post(client, batch):
    for name in batch:
        round_trip(client, "POST", name)


@pytest.mark.requirement("NAMES-GET")
@given(batch=name_batches())
@with_hard_cases
def test_names_by_get(client, batch):
    for name in batch:
        round_trip(client, "GET", name)
