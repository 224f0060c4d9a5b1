# Mistake: builds the Location with an f-string instead of url_for, so nothing is escaped.
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(f'/success/{user}')
