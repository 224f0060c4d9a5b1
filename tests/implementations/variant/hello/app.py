# The lesson as an instructor taught it instead: the field is `username`, the page is /welcome/<name>,
# and it says "Hello". Passes its variant (exercise.toml beside this folder), fails the lesson's.
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route('/welcome/<name>')
def welcome(name):
    return 'Hello %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        user = request.form['username']
    else:
        user = request.args.get('username')
    return redirect(url_for('welcome', name=user))


if __name__ == '__main__':
    app.run(debug=True)
