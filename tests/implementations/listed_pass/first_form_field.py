# Mistake: POST takes the form's first field whatever its name, so a form
# with another field before nm greets the wrong value.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        user = next(iter(request.form.values()))
    else:
        user = request.args.get('nm')
    return redirect(url_for('success', name=user))
