# Correct, written as a class-based view.
from flask import Flask, redirect, request, url_for
from flask.views import MethodView

app = Flask(__name__)


class Login(MethodView):
    def get(self):
        return redirect(url_for('success', name=request.args.get('nm')))

    def post(self):
        return redirect(url_for('success', name=request.form['nm']))


app.add_url_rule('/login', view_func=Login.as_view('login'))


@app.get('/success/<name>')
def success(name):
    return f'welcome {name}'
