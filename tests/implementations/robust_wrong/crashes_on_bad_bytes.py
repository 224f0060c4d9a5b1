# Robust but for one mistake: it logs the raw body as UTF-8, and crashes on any other bytes.
from flask import Flask, abort, redirect, request, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route('/login', methods=['GET', 'POST'])
def login():
    app.logger.debug('body: %s', request.get_data().decode('utf-8'))
    name = (request.form if request.method == 'POST' else request.args).get('nm', '')
    if not name or '/' in name or name in ('.', '..'):
        abort(400)
    return redirect(url_for('success', name=name))


@app.get('/success/<name>')
def success(name):
    return f'welcome {escape(name)}'
