# Mistake: a hand-written 405 page whose Allow header leaves out HEAD and OPTIONS,
# which the app does answer (RFC 9110 §15.5.6: Allow lists what the resource supports).
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.errorhandler(405)
def method_not_allowed(error):
    allow = 'GET, POST' if request.path == '/login' else 'GET'
    return 'Method Not Allowed', 405, {'Allow': allow}


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
