"""/login answers at once with 302 or 303 to /success/<name>, the name percent-encoded."""

import pytest

EXAMPLES = ["alice", "Zoë 日本", "a b?c#d%e+f&g"]


@pytest.mark.requirement("REDIRECT-STATUS")
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_redirect_status(client, method):
    exchange = client.login(method, "alice")
    if exchange.response.status not in (302, 303):
        client.fail(
            f"{method} {client.exercise.login} should answer at once with 302 Found or 303 See Other "
            "(redirect() does; 301 is cached for good, 307/308 make the browser re-send the POST)",
            exchange,
        )


@pytest.mark.requirement("REDIRECT-TARGET")
@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_redirect_target(client, method, name):
    ex = client.exercise
    exchange = client.login(method, name)
    if exchange.response.header("Location") is None:
        client.fail(f"{method} {ex.login} should redirect with a Location header", exchange)
    if client.redirected_name(exchange) != name:
        client.fail(
            f"{method} {ex.login} with {ex.field}={name!r} should redirect to {ex.success} with the name "
            "percent-encoded, "
            f"so that a browser arrives at {name!r} (url_for('success', name=user) does this); "
            f"it arrives at {client.location(exchange)}",
            exchange,
        )
