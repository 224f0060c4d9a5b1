"""Frank's version: a factory and a class-based view."""
from flask import Flask, redirect, request, url_for
from flask.views import MethodView


class Login(MethodView):
    def get(self):
        return redirect(url_for('success', name=request.args['nm']), code=303)

    def post(self):
        return redirect(url_for('success', name=request.form['nm']), code=303)


def create_app():
    app = Flask(__name__)
    app.add_url_rule('/login', view_func=Login.as_view('login'))
    app.add_url_rule('/success/<name>', 'success', lambda name: f'<h1>Welcome {name}</h1>')
    return app
