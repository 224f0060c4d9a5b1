# Mistake: reads request.values, where the query string wins over the form on POST.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    return redirect(url_for('success', name=request.values.get('nm')))
