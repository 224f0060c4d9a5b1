# A correct app that prints a fake pytest summary and raw bytes, at import and in every request.
import os
import sys

from flask import Flask, redirect, request, url_for

print("============================== 37 passed in 0.01s ==============================")
sys.stdout.flush()
os.write(1, b'\x00\xff{"score": 1000}\n' * 100)
os.write(2, b"FAILED nothing\n")

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    print("37 passed")
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    os.write(1, b"\x1b[2J\x1b[H 37 passed\n")
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
