# Correct, built by an application factory.
from flask import Flask, redirect, request, url_for


def create_app():
    app = Flask(__name__)

    @app.route('/success/<name>')
    def success(name):
        return 'welcome %s' % name

    @app.route('/login', methods=['POST', 'GET'])
    def login():
        if request.method == 'POST':
            return redirect(url_for('success', name=request.form['nm']))
        return redirect(url_for('success', name=request.args.get('nm')))

    return app
