# Mistake: handles HEAD by hand and answers 200 where GET redirects.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>', methods=['GET', 'HEAD'])
def success(name):
    if request.method == 'HEAD':
        return '', 404
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET', 'HEAD'])
def login():
    if request.method == 'HEAD':
        return ''
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
