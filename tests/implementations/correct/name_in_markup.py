# Correct: the name sits in markup, escaped, as a careful page would show it ("welcome <b>%s</b>").
from flask import Flask, redirect, request, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    return "<p>welcome <b>%s</b></p>" % escape(name)


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
