# A correct app whose login.html is a link to an endless device (the test makes the links: git keeps
# no FIFO, and a link to a 1 GB file would need the file).
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
