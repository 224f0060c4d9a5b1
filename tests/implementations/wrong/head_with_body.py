# Mistake: a WSGI wrapper that answers HEAD with GET's body.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))


inner = app.wsgi_app


def head_as_get(environ, start_response):
    if environ['REQUEST_METHOD'] == 'HEAD':
        environ = dict(environ, REQUEST_METHOD='GET')
    return inner(environ, start_response)


app.wsgi_app = head_as_get
