# Correct but for the welcome page, which kills its own process.
import os

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    os._exit(3)


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
