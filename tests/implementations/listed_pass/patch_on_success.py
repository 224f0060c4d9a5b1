# Mistake: the welcome route also answers PATCH (copied methods list), which no listed check sends.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>', methods=['GET', 'PATCH'])
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
