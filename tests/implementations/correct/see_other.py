# Correct, answering 303 See Other (Flask 3.2's default), separate view per method.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.get('/login')
def login_get():
    return redirect(url_for('success', name=request.args['nm']), code=303)


@app.post('/login')
def login_post():
    return redirect(url_for('success', name=request.form['nm']), code=303)


@app.get('/success/<name>')
def success(name):
    return 'WELCOME %s' % name
