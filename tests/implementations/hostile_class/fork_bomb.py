# Starts as many processes as it can (up to 300), each of which sleeps.
import json
import os
import signal
import time

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/probe")
def probe():
    children = []
    for _ in range(300):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return json.dumps({"processes_started": len(children)})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
