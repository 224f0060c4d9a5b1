# Mistake: a visit counter glued to the name, so Ann sees "welcome Ann3", another name.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
visits = {'count': 0}


@app.route('/success/<name>')
def success(name):
    visits['count'] += 1
    return 'welcome %s%d' % (name, visits['count'])


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
