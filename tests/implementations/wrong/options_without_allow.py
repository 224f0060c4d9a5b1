# Mistake: answers OPTIONS by hand, without the Allow header Flask would send.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>', methods=['GET', 'OPTIONS'])
def success(name):
    if request.method == 'OPTIONS':
        return 'ok'
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET', 'OPTIONS'])
def login():
    if request.method == 'OPTIONS':
        return 'ok'
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
