# Robust but for one mistake: the welcome page puts the name into HTML unescaped.
from flask import Flask, abort, redirect, request, url_for

app = Flask(__name__)


@app.route('/login', methods=['GET', 'POST'])
def login():
    name = (request.form if request.method == 'POST' else request.args).get('nm', '')
    if not name or '/' in name or name in ('.', '..'):
        abort(400)
    return redirect(url_for('success', name=name))


@app.get('/success/<name>')
def success(name):
    return f'welcome {name}'
