# Busy processes, to take the machine's CPU from classmates graded at the same time: eight spin from
# import for ten seconds while it is graded; /probe stops them, spins eight others for two seconds and
# says how many cores those got between them.
import json
import os
import resource
import signal
import time

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
BUSY = 8


def spin(seconds):
    pid = os.fork()
    if pid == 0:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            pass
        os._exit(0)
    return pid


SPINNING = [spin(10) for _ in range(BUSY)]


def stop(pids):
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


@app.route("/probe")
def probe():
    stop(SPINNING)
    SPINNING.clear()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    children = [spin(2) for _ in range(BUSY)]
    time.sleep(2)
    stop(children)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return json.dumps({"cores_used": used / (time.monotonic() - started), "machine_cores": os.cpu_count()})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
