# Mistake: methods=['POST'], so the lesson's GET step gets 405.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST'])
def login():
    return redirect(url_for('success', name=request.form['nm']))
