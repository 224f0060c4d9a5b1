# Mistake: the page says "Welcome, <name>" rather than "welcome <name>".
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'Welcome, %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
