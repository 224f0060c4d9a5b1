# Mistake: reads request.args for POST too, so the form is never read.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    return redirect(url_for('success', name=request.args.get('nm', 'nobody')))
