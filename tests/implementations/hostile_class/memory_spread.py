# Four children each take 300 MB, under the per-process limit; together they are over the tree's.
import json
import os
import select
import signal

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
SHARE = 300 << 20


@app.route("/probe")
def probe():
    reader, writer = os.pipe()
    children = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                hoard = bytearray(SHARE)
                for index in range(0, SHARE, 4096):
                    hoard[index] = 1
                os.write(writer, b"+")
                signal.pause()
            finally:
                os._exit(0)
        children.append(pid)
    held = 0
    while select.select([reader], [], [], 8)[0]:
        held += len(os.read(reader, 16))
        if held == 4:
            break
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return json.dumps({"megabytes_held": held * (SHARE >> 20)})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
