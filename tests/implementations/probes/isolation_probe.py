"""Reports what a sandboxed submission can reach, at /probe."""

import json
import os
import socket
import sys

from flask import Flask

app = Flask(__name__)


def attempt(action):
    try:
        action()
        return "allowed"
    except Exception as error:  # noqa: BLE001 - any failure means refused
        return type(error).__name__


def connect():
    socket.create_connection(("127.0.0.1", int(sys.argv[-1]) if False else PORT), timeout=1).close()


PORT = 0  # replaced by the test


def write_outside():
    with open(TARGET, "w") as handle:
        handle.write("forged")


TARGET = ""  # replaced by the test


@app.route("/probe")
def probe():
    with open("written-in-my-copy.txt", "w") as handle:
        handle.write("fine")
    with open("written-in-my-copy.txt") as handle:
        copy_written = handle.read() == "fine"
    return json.dumps({
        "copy_written": copy_written,
        "visible_processes": sorted(int(name) for name in os.listdir("/proc") if name.isdigit()),
        "connect": attempt(connect),
        "write_outside": attempt(write_outside),
        "environment": sorted(os.environ),
        "uid": os.getuid(),
        "pid": os.getpid(),
        "fork_bomb": attempt(lambda: [os.fork() or os._exit(0) for _ in range(10)]),
    })
