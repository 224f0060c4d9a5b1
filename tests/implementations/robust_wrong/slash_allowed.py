# Robust but for one mistake: a name with "/" or a lone "." is redirected to a page that does not exist.
from flask import Flask, abort, redirect, request, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route('/login', methods=['GET', 'POST'])
def login():
    name = (request.form if request.method == 'POST' else request.args).get('nm', '')
    if not name:
        abort(400)
    return redirect(url_for('success', name=name))


@app.get('/success/<name>')
def success(name):
    return f'welcome {escape(name)}'
