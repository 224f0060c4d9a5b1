# Mistake: reads request.form for GET too, so the query string is never read.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    return redirect(url_for('success', name=request.form.get('nm', 'nobody')))
