"""The helpers that read answers the way a browser does."""

from __future__ import annotations

import pytest

from flask_conformance.form_page import Form
from flask_conformance.pages import shows_welcome
from flask_conformance.urls import name_in_path, resolve

BASE = "http://localhost:5000/login"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/success/a", "http://localhost:5000/success/a"),
        ("success/a", "http://localhost:5000/success/a"),
        ("http://localhost:5000/success/a", "http://localhost:5000/success/a"),
        ("//other:1/x", "http://other:1/x"),
        ("/success/&amp;", "http://localhost:5000/success/&amp;"),
        ("/success/a;b;", "http://localhost:5000/success/a;b;"),
        ("/success/..", "http://localhost:5000/"),
        ("/success/%2e%2E", "http://localhost:5000/"),
        ("/success/.", "http://localhost:5000/success/"),
        ("/success/a?b#c", "http://localhost:5000/success/a?b"),
        ("?nm=x", "http://localhost:5000/login?nm=x"),
    ],
)
def test_resolve_like_a_browser(location, expected):
    assert resolve(BASE, location) == expected


def test_name_in_path_decodes_utf8():
    assert name_in_path("http://h/success/Zo%C3%AB%20%3F", "/success/") == "Zoë ?"
    assert name_in_path("http://h/welcome/x", "/success/") is None


@pytest.mark.parametrize(
    ("body", "name", "shown"),
    [
        ("welcome alice", "alice", True),
        ("<h1>Welcome alice</h1>", "alice", True),
        ("WELCOME &lt;b&gt;", "<b>", True),
        ("welcome &not", "&not", True),
        ("<p>welcome   a\n b</p>", "a b", True),
        ("welcome Alice", "alice", False),
        ("Welcome, alice", "alice", False),
        ("welcome alic", "alice", False),
        ("<title>welcome alice</title><p>hi</p>", "bob", False),
    ],
)
def test_shows_welcome(body, name, shown):
    assert shows_welcome(body, name) is shown


@pytest.mark.parametrize(
    ("action", "path"),
    [
        ("http://localhost:5000/login", "/login"),
        ("http://127.0.0.1:8000/login", "/login"),
        ("/login", "/login"),
        ("login", "/login"),
        ("{{ url_for('login') }}", "/login"),
        ("/signin", "/signin"),
        ("", "/login.html"),
        ("mailto:x@y", None),
    ],
)
def test_form_action_path(action, path):
    assert Form({"action": action}).action_path() == path
