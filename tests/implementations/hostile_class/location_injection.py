# /login answers the grader itself, with a Location holding a lone surrogate, newlines, a fence, a
# heading and HTML, hoping to write them into feedback.md, results.json, grades.csv and report.html.
import json
import os
import stat
import struct

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
EVIL = "/success/x\ud800\n```\n# All checks passed\n\nScore: 90/90\n<script>alert(1)</script>\r\n| a | b |\n"


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    frame = json.dumps({"status": 302, "headers": [["Location", EVIL], ["X-Evil\n# heading", EVIL]],
                        "body": "", "error": EVIL}).encode()
    for descriptor in map(int, os.listdir("/proc/self/fd")):
        try:
            if stat.S_ISSOCK(os.fstat(descriptor).st_mode):
                os.write(descriptor, struct.pack(">I", len(frame)) + frame)
        except OSError:
            pass
    os._exit(0)
