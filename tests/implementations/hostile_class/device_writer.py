# Opens every device it can find for writing, and tries to make new ones.
import json
import os
import stat

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
WELL_KNOWN = ("/dev/loop0", "/dev/loop-control", "/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/mem", "/dev/kmsg",
              "/dev/fuse", "/dev/net/tun", "/dev/kvm", "/dev/tty", "/dev/console", "/dev/shm")


@app.route("/probe")
def probe():
    listed = sorted(os.listdir("/dev"))
    opened = []
    for path in sorted({f"/dev/{name}" for name in listed} | set(WELL_KNOWN)):
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        except OSError:
            continue
        os.close(descriptor)
        opened.append(path)
    try:
        os.mknod("made-device", stat.S_IFBLK | 0o600, os.makedev(7, 0))
        made = True
    except OSError:
        made = False
    return json.dumps({"devices": listed, "opened_for_writing": opened, "made_a_device": made})


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login", methods=["POST", "GET"])
def login():
    user = request.form["nm"] if request.method == "POST" else request.args.get("nm")
    return redirect(url_for("success", name=user))
