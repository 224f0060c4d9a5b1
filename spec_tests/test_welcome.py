"""GET /success/<name> says welcome <name>: the greeting word (names of every kind are NAMES-*'s)."""

import pytest

from flask_conformance.reading.pages import shows_welcome


@pytest.mark.requirement("WELCOME")
@pytest.mark.parametrize("name", ["alice", "bob"])
def test_welcome_page(client, name):
    exchange = client.welcome(name)
    if exchange.response.status != 200 or not shows_welcome(exchange.response.text, name):
        ex = client.exercise
        client.fail(
            f"GET {ex.success_prefix}<{name}> should answer 200 with a page saying '{ex.greets(name)}'", exchange
        )
