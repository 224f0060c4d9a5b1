"""Which methods each route accepts, and how it refuses the others (RFC 9110 §15.5.6)."""

import pytest

from flask_conformance.data.exchange import parse_allow


@pytest.mark.requirement("LOGIN-GET")
def test_login_accepts_get(client):
    ex = client.exercise
    exchange = client.login("GET", "alice")
    if exchange.response.status in (404, 405) or not exchange.response.answered:
        client.fail(f"GET {ex.login}?{ex.field}=alice should be accepted: the lesson's route lists GET", exchange)
    if not client.redirects(exchange):
        client.fail(f"GET {ex.login}?{ex.field}=alice should redirect to the welcome page", exchange)


@pytest.mark.requirement("LOGIN-POST")
def test_login_accepts_post(client):
    ex = client.exercise
    exchange = client.login("POST", "alice")
    if exchange.response.status in (404, 405) or not exchange.response.answered:
        client.fail(
            f"POST {ex.login} with {ex.field}=alice should be accepted: the lesson's route lists POST", exchange
        )
    if not client.redirects(exchange):
        client.fail(f"POST {ex.login} with {ex.field}=alice should redirect to the welcome page", exchange)


@pytest.mark.requirement("LOGIN-405")
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_login_refuses_other_methods(client, method):
    ex = client.exercise
    exchange = client.send(method, ex.login, form={ex.field: "alice"})
    allow = parse_allow(exchange.response.header("Allow"))
    if exchange.response.status != 405 or not {"GET", "POST"} <= allow or method in allow:
        client.fail(
            f"{method} {ex.login} should be refused with 405 Method Not Allowed and an Allow header "
            "listing GET and POST, the only methods the lesson's route accepts",
            exchange,
        )


@pytest.mark.requirement("SUCCESS-405")
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_success_is_get_only(client, method):
    ex = client.exercise
    exchange = client.send(method, ex.success_path("alice"), form={ex.field: "bob"})
    allow = parse_allow(exchange.response.header("Allow"))
    if exchange.response.status != 405 or "GET" not in allow or method in allow:
        client.fail(
            f"{method} {ex.success_path('alice')} should be refused with 405 and an Allow header listing GET: "
            "a Flask route answers only GET unless it says otherwise",
            exchange,
        )
