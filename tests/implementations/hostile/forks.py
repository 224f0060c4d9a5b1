# A correct app that forks at import; the forked process renames itself and spins for ever.
import ctypes
import os

from flask import Flask, redirect, request, url_for

if os.fork() == 0:
    ctypes.CDLL(None).prctl(15, b"hostile-fork", 0, 0, 0)
    while True:
        pass

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
