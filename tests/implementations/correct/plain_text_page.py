# Correct: the welcome page is served as text/plain, which a browser shows as it is (markup included).
from flask import Flask, Response, redirect, request, url_for

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    return Response("welcome %s" % name, mimetype="text/plain")


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
