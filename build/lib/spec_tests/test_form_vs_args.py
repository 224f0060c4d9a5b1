"""POST reads nm from the form body, GET from the query string, and neither from the other."""

import pytest


@pytest.mark.requirement("POST-FORM")
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_post_reads_form(client, encoding):
    if encoding == "urlencoded":
        exchange = client.send("POST", "/login", form={"nm": "alice"})
    else:
        exchange = client.send("POST", "/login", multipart={"nm": "alice"})
    if client.redirected_name(exchange) != "alice":
        client.fail(f"POST /login with nm=alice in a {encoding} form should redirect to /success/alice", exchange)


@pytest.mark.requirement("POST-NOT-QUERY")
def test_post_prefers_form_to_query(client):
    exchange = client.send("POST", "/login", query={"nm": "alice"}, form={"nm": "bob"})
    if client.redirected_name(exchange) != "bob":
        client.fail(
            "POST /login?nm=alice with nm=bob in the form should redirect to /success/bob: "
            "the lesson reads a POST's name with request.form['nm']",
            exchange,
        )


@pytest.mark.requirement("POST-NOT-QUERY")
def test_post_ignores_query(client):
    exchange = client.send("POST", "/login", query={"nm": "alice"}, form={"other": "x"})
    if client.redirected_name(exchange) == "alice":
        client.fail(
            "POST /login?nm=alice without nm in the form must not redirect to /success/alice: "
            "a POST's name comes from the form (request.form), not the URL",
            exchange,
        )


@pytest.mark.requirement("GET-ARGS")
def test_get_reads_query(client):
    exchange = client.send("GET", "/login", query={"nm": "alice"})
    if client.redirected_name(exchange) != "alice":
        client.fail("GET /login?nm=alice should redirect to /success/alice", exchange)


@pytest.mark.requirement("GET-NOT-BODY")
def test_get_prefers_query_to_body(client):
    exchange = client.send("GET", "/login", query={"nm": "alice"}, form={"nm": "bob"})
    if client.redirected_name(exchange) != "alice":
        client.fail(
            "GET /login?nm=alice with nm=bob in a body should redirect to /success/alice: "
            "the lesson reads a GET's name with request.args.get('nm')",
            exchange,
        )


@pytest.mark.requirement("GET-NOT-BODY")
def test_get_ignores_body(client):
    exchange = client.send("GET", "/login", form={"nm": "bob"})
    if client.redirected_name(exchange) == "bob":
        client.fail(
            "GET /login with nm=bob only in a body must not redirect to /success/bob: "
            "a GET's name comes from the URL (request.args)",
            exchange,
        )
