# Correct: the page never closes its <head> (an optional end tag in HTML); a browser shows the body.
from flask import Flask, redirect, request, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    return "<!doctype html><html><head><title>Welcome</title><body><p>welcome <b>%s</b>" % escape(name)


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
