# The lesson's app, correct but slow: every welcome page takes half a second, so a whole grade does not
# fit in the grader's time. The checks that finish before the time runs out must keep their result.
import time

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    time.sleep(0.5)
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
