# The honest twin of the three above: correct but for a welcome page that fails with a 500.
from flask import Flask, abort, redirect, request, url_for

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    abort(500)


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
