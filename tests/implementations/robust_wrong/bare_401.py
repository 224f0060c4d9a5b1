# Robust but for one mistake: it refuses a missing or unroutable name with 401, "log in first",
# without the WWW-Authenticate header a 401 must carry (RFC 9110 §15.5.2); 400 is the refusal.
from flask import Flask, redirect, request, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route('/login', methods=['GET', 'POST'])
def login():
    name = (request.form if request.method == 'POST' else request.args).get('nm', '')
    if not name or '/' in name or name in ('.', '..'):
        return 'Please log in with a name', 401
    return redirect(url_for('success', name=name))


@app.get('/success/<name>')
def success(name):
    return f'welcome {escape(name)}'
