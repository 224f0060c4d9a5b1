# The welcome page answers with a status of four digits, which Werkzeug sends as "1000 UNKNOWN": once taken
# for a frame of the wrong shape from the sandbox, a crash that cost the app a restart.
from flask import Flask, Response, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return Response('welcome %s' % name, status=1000)


@app.route('/login', methods=['POST', 'GET'])
def login():
    user = request.form['nm'] if request.method == 'POST' else request.args.get('nm')
    return redirect(url_for('success', name=user))
