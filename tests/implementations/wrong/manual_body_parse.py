# Mistake: parses the body by hand as urlencoded, so a multipart form is not understood.
from urllib.parse import parse_qs

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        user = parse_qs(request.get_data(as_text=True)).get('nm', ['nobody'])[0]
    else:
        user = request.args.get('nm')
    return redirect(url_for('success', name=user))
