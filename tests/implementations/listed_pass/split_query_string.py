# Mistake: GET reads the name by splitting the raw query string at its first '=',
# so ?nm=Ann&lang=en greets "Ann&lang=en". Every listed check sends nm alone.
from urllib.parse import unquote

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        user = request.form['nm']
    else:
        user = unquote(request.query_string.decode().split('=', 1)[1])
    return redirect(url_for('success', name=user))
