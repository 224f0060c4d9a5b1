# Mistake: no methods argument, so the route answers GET only and the form's POST gets 405.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login')
def login():
    return redirect(url_for('success', name=request.args.get('nm')))
