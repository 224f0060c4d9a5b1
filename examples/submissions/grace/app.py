import time

from flask import Flask, redirect, url_for, request

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    while True:  # "waiting for the database"
        time.sleep(1)


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
