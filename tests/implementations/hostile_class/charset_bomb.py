# A welcome page of 1 MiB that declares charset=punycode, whose decoding is quadratic.
from flask import Flask, Response, redirect, request, url_for

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    body = ("welcome %s " % name).encode("utf-8") + b"a" * (1 << 20)
    return Response(body, content_type="text/html; charset=punycode")


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
