# Correct, with the app object under another name.
from flask import Flask, redirect, request, url_for

server = Flask(__name__)


@server.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@server.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
