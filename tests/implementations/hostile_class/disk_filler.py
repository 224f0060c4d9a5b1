# Writes 128 files of 16 MiB (2 GiB) wherever it may write.
import json
import os
import tempfile

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
BLOCK = b"x" * (1 << 20)


@app.route("/probe")
def probe():
    written = 0
    for folder in (os.getcwd(), tempfile.gettempdir()):
        for number in range(64):
            try:
                with open(os.path.join(folder, f"filler-{number}"), "wb") as handle:
                    for _ in range(16):
                        handle.write(BLOCK)
                        handle.flush()
                        written += len(BLOCK)
            except OSError:
                break
    return json.dumps({"bytes_written": written})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
