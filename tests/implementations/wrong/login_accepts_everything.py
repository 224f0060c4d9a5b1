# Mistake: /login lists PUT, DELETE and PATCH too, and treats them like POST.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET', 'PUT', 'DELETE', 'PATCH'])
def login():
    if request.method == 'GET':
        return redirect(url_for('success', name=request.args.get('nm')))
    return redirect(url_for('success', name=request.form.get('nm', 'nobody')))
