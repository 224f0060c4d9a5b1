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
    for number in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                hoard = bytearray(SHARE)
                for index in range(0, SHARE, 4096):
                    hoard[index] = 1
                os.write(writer, bytes([number]))
                signal.pause()
            finally:
                os._exit(0)
        children.append(pid)
    reported = set()
    while len(reported) < 4 and select.select([reader], [], [], 8)[0]:
        reported.update(os.read(reader, 16))
    # What is held at once: the children that took their share and are still alive (the kernel may have
    # killed some to make room for others).
    alive = {number for number, pid in enumerate(children) if os.waitpid(pid, os.WNOHANG) == (0, 0)}
    for number, pid in enumerate(children):
        if number in alive:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return json.dumps({"megabytes_held": len(reported & alive) * (SHARE >> 20), "reported": len(reported)})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
