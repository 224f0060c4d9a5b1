# Two of the catalogue's mistakes in one app: a 307 redirect, and "hello" for the lesson's "welcome".
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'hello %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        user = request.form['nm']
    else:
        user = request.args.get('nm')
    return redirect(url_for('success', name=user), code=307)
