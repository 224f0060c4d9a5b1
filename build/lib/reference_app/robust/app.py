"""The lesson's app as a careful engineer would ship it.

What it adds to the lesson: a missing, empty or unroutable name is refused
with 400 at /login instead of a 500 or a redirect to a 404; POST reads only
the form and GET only the query string, as the lesson says; the welcome page
escapes the name; and the form page, served at /, declares UTF-8.
"""

from __future__ import annotations

from flask import Flask, abort, redirect, render_template, request, url_for
from markupsafe import escape
from werkzeug.wrappers import Response

# A name the browser cannot carry back in one path segment: "/" splits it, and
# "." or ".." are removed by URL normalisation before the request is sent.
UNROUTABLE = (".", "..")


def form() -> str:
    return render_template("login.html")


def login() -> Response:
    source = request.form if request.method == "POST" else request.args
    name = source.get("nm", "")
    if not name:
        abort(400, description="Send a name in the field 'nm'.")
    if "/" in name or name in UNROUTABLE:
        abort(400, description="A name cannot contain '/' or be '.' or '..'.")
    return redirect(url_for("success", name=name))


def success(name: str) -> Response:
    return Response(f"welcome {escape(name)}", content_type="text/html; charset=utf-8")


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/", view_func=form, methods=["GET"])
    app.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
    app.add_url_rule("/success/<name>", view_func=success, methods=["GET"])
    return app


app = create_app()
