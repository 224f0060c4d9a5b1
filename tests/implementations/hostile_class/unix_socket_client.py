# Connects to every unix socket it can name: the test's own listeners, and any under /run, /tmp, /var.
import json
import os
import socket

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
SOCKET_PATH = ""  # a filesystem socket the test listens on
ABSTRACT_NAME = ""  # an abstract socket the test listens on


def try_connect(address):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(1)
    try:
        client.connect(address)
        client.sendall(b"hello from the sandbox")
        return "connected"
    except OSError as error:
        return type(error).__name__
    finally:
        client.close()


@app.route("/probe")
def probe():
    found = [SOCKET_PATH, "\0" + ABSTRACT_NAME]
    for top in ("/run", "/var/run", "/tmp", "/var"):
        for root, _, files in os.walk(top):
            found += [os.path.join(root, name) for name in files]
    results = {address.replace("\0", "@"): try_connect(address) for address in found}
    return json.dumps({"connected": sorted(name for name, result in results.items() if result == "connected")})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
