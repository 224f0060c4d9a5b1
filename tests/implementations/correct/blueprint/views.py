from flask import Blueprint, redirect, request, url_for

bp = Blueprint('lesson', __name__)


@bp.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@bp.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('.success', name=user))
