# Mistake: escapes the name with quote_plus, so a space arrives as "+".
from urllib.parse import quote_plus

from flask import Flask, redirect, request

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect('/success/' + quote_plus(user))
