"""HEAD is GET without a body (RFC 9110 §9.3.2); OPTIONS says what is allowed (§9.3.7)."""

import pytest

from flask_conformance.data.exchange import parse_allow


@pytest.mark.requirement("HEAD-LOGIN")
def test_head_login_mirrors_get(client):
    client.require_routes("login")
    get = client.login("GET", "alice")
    head = client.login("HEAD", "alice")
    if head.response.status != get.response.status:
        client.fail(f"HEAD should get the same status as GET ({get.response.status})", head)
    if head.response.header("Location") != get.response.header("Location"):
        client.fail(f"HEAD should get the same Location as GET ({get.response.header('Location')})", head)
    if head.response.body:
        client.fail('HEAD is "same as GET, but without response body": the body should be empty', head)


@pytest.mark.requirement("HEAD-SUCCESS")
def test_head_success_mirrors_get(client):
    client.require_routes("success")
    get = client.welcome("alice")
    head = client.send("HEAD", client.exercise.success_path("alice"))
    if head.response.status != get.response.status:
        client.fail(f"HEAD should get the same status as GET ({get.response.status})", head)
    if head.response.body:
        client.fail('HEAD is "same as GET, but without response body": the body should be empty', head)


@pytest.mark.requirement("OPTIONS")
@pytest.mark.parametrize(
    ("route", "methods"), [("login", {"GET", "POST"}), ("success", {"GET"})], ids=["/login", "/success/alice"]
)
def test_options_lists_methods(client, route, methods):
    path = client.exercise.login if route == "login" else client.exercise.success_path("alice")
    exchange = client.send("OPTIONS", path)
    allow = parse_allow(exchange.response.header("Allow"))
    if exchange.response.status not in (200, 204) or not methods <= allow:
        client.fail(
            f"OPTIONS {path} should answer 200 or 204 with an Allow header listing {', '.join(sorted(methods))}",
            exchange,
        )
