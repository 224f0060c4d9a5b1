from flask import Blueprint, redirect, request, url_for

bp = Blueprint("views", __name__)


@bp.route("/success/<name>")
def success(name):
    return "welcome %s" % name


@bp.route("/login", methods=["POST", "GET"])
def login():
    if request.method == "POST":
        return redirect(url_for("views.success", name=request.form["nm"]))
    return redirect(url_for("views.success", name=request.args.get("nm")))
