# Correct but for the welcome page, which allocates without bound.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
hoard = []


@app.route("/success/<name>")
def success(name):
    while True:
        hoard.append(bytearray(64 << 20))


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
