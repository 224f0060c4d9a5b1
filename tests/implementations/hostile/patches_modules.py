# A GET-only app (the mistake of get_only.py) that patches the grader's modules in its own process.
import sys

from flask import Flask, redirect, request, url_for

for module in list(sys.modules.values()):
    name = getattr(module, "__name__", "")
    if name.startswith(("flask_conformance", "_pytest", "pytest", "hypothesis")):
        for attribute in list(vars(module)):
            if attribute in ("grade", "write_results", "write_atomically", "fail", "exit", "main"):
                setattr(module, attribute, lambda *args, **kwargs: None)

app = Flask(__name__)


@app.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@app.route("/login")
def login():
    return redirect(url_for("success", name=request.args.get("nm")))
