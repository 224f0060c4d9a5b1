"""POST reads nm from the form body, GET from the query string, and neither from the other."""

import pytest


@pytest.mark.requirement("POST-FORM")
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_post_reads_form(client, encoding):
    ex = client.exercise
    if encoding == "urlencoded":
        exchange = client.send("POST", ex.login, form={ex.field: "alice"})
    else:
        exchange = client.send("POST", ex.login, multipart={ex.field: "alice"})
    if client.redirected_name(exchange) != "alice":
        client.fail(
            f"POST {ex.login} with {ex.field}=alice in a {encoding} form should redirect to {ex.success_path('alice')}",
            exchange,
        )


@pytest.mark.requirement("POST-NOT-QUERY")
def test_post_prefers_form_to_query(client):
    ex = client.exercise
    exchange = client.send("POST", ex.login, query={ex.field: "alice"}, form={ex.field: "bob"})
    if client.redirected_name(exchange) != "bob":
        client.fail(
            f"POST {ex.login}?{ex.field}=alice with {ex.field}=bob in the form should redirect to "
            f"{ex.success_path('bob')}: the lesson reads a POST's name with request.form['{ex.field}']",
            exchange,
        )


@pytest.mark.requirement("POST-NOT-QUERY")
def test_post_ignores_query(client):
    ex = client.exercise
    exchange = client.send("POST", ex.login, query={ex.field: "alice"}, form={"other": "x"})
    if client.redirected_name(exchange) == "alice":
        client.fail(
            f"POST {ex.login}?{ex.field}=alice without {ex.field} in the form must not redirect to "
            f"{ex.success_path('alice')}: a POST's name comes from the form (request.form), not the URL",
            exchange,
        )


@pytest.mark.requirement("GET-ARGS")
def test_get_reads_query(client):
    ex = client.exercise
    exchange = client.send("GET", ex.login, query={ex.field: "alice"})
    if client.redirected_name(exchange) != "alice":
        client.fail(f"GET {ex.login}?{ex.field}=alice should redirect to {ex.success_path('alice')}", exchange)


@pytest.mark.requirement("GET-NOT-BODY")
def test_get_prefers_query_to_body(client):
    ex = client.exercise
    exchange = client.send("GET", ex.login, query={ex.field: "alice"}, form={ex.field: "bob"})
    if client.redirected_name(exchange) != "alice":
        client.fail(
            f"GET {ex.login}?{ex.field}=alice with {ex.field}=bob in a body should redirect to "
            f"{ex.success_path('alice')}: the lesson reads a GET's name with request.args.get('{ex.field}')",
            exchange,
        )


@pytest.mark.requirement("GET-NOT-BODY")
def test_get_ignores_body(client):
    ex = client.exercise
    exchange = client.send("GET", ex.login, form={ex.field: "bob"})
    if client.redirected_name(exchange) == "bob":
        client.fail(
            f"GET {ex.login} with {ex.field}=bob only in a body must not redirect to {ex.success_path('bob')}: "
            "a GET's name comes from the URL (request.args)",
            exchange,
        )
