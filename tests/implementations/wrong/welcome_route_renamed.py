# Mistake: the welcome page lives at /welcome/<name>, not /success/<name>.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/welcome/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
