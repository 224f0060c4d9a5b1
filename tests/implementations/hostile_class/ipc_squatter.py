# Creates System V shared memory, a message queue and semaphores, and never removes them.
import ctypes
import json

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
KEY = 0x5EED0C0F
IPC_CREAT = 0o1000


@app.route("/probe")
def probe():
    libc = ctypes.CDLL(None, use_errno=True)
    return json.dumps({
        "shared_memory": libc.shmget(KEY, 1 << 20, IPC_CREAT | 0o666),
        "message_queue": libc.msgget(KEY, IPC_CREAT | 0o666),
        "semaphores": libc.semget(KEY, 4, IPC_CREAT | 0o666),
    })


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
