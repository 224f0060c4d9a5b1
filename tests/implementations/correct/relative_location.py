# Correct, escaping by hand and answering with a relative Location.
from urllib.parse import quote

from flask import Flask, redirect, request

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect('success/' + quote(user, safe=''))
