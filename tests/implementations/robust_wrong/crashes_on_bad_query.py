# Robust but for one mistake: it logs the query string percent-decoded as UTF-8, and crashes on other bytes.
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, redirect, request, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route('/login', methods=['GET', 'POST'])
def login():
    app.logger.debug('query: %s', unquote_to_bytes(request.query_string).decode('utf-8'))
    name = (request.form if request.method == 'POST' else request.args).get('nm', '')
    if not name or '/' in name or name in ('.', '..'):
        abort(400)
    return redirect(url_for('success', name=name))


@app.get('/success/<name>')
def success(name):
    return f'welcome {escape(name)}'
