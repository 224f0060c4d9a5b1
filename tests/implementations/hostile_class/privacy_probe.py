# Looks for anything of its classmates or the grader: files holding the class's marker (planted by the
# test in classmates' code, names and the rubric), the grader's argv and environment, and its heap.
import gc
import json
import os
import sys

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
MARKER = ("KANA" + "RYZZ").encode()  # built at run time, so that this file does not hold it
SKIPPED = ("/proc", "/sys", "/dev", "/usr")  # the machine's own, and the standard library below


def files_with_marker():
    found, read = [], 0
    for root, folders, files in os.walk("/"):
        folders[:] = [
            name for name in folders
            if os.path.join(root, name) not in SKIPPED and not name.startswith("python3")
        ]
        for name in files:
            path = os.path.join(root, name)
            read += 1
            if read > 60000:
                return found + ["(stopped after 60000 files)"]
            try:
                with open(path, "rb") as handle:
                    if MARKER in handle.read(1 << 16):
                        found.append(path)
            except OSError:
                pass
    return found


def heap_with_marker():
    gc.unfreeze()
    hits = []
    for thing in gc.get_objects():
        if type(thing).__name__ == "Record":
            hits.append("a Record")
        elif isinstance(thing, dict):
            for value in list(thing.values()):
                if isinstance(value, str) and MARKER.decode() in value:
                    hits.append(value[:80])
    return hits


def read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError as error:
        return type(error).__name__


def privileges():
    """What of root this process still holds, as /proc/self/status says: capabilities (hex masks), no_new_privs."""
    fields = {}
    for line in read("/proc/self/status").splitlines():
        key, _, value = line.partition(":")
        if key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"):
            fields[key] = value.strip()
    return fields


def descriptors():
    found = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            found[name] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            pass  # the listing's own descriptor, closed by now
    return found


@app.route("/probe")
def probe():
    return json.dumps({
        "files": files_with_marker(),
        "heap": heap_with_marker(),
        "argv": sys.argv,
        "cmdlines": {pid: read(f"/proc/{pid}/cmdline") for pid in os.listdir("/proc") if pid.isdigit()},
        "environ": sorted(os.environ),
        "init_environ": read("/proc/1/environ"),
        "root_listing": sorted(os.listdir("/")),
        "home_of_root": os.path.exists("/root/.bashrc") or os.path.exists("/root/.pyenv/shims"),
        "descriptors": descriptors(),
        "privileges": privileges(),
        "uid": os.getuid(),
        "gid": os.getgid(),
    })


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
