from flask import Flask, redirect, url_for, request

site = Flask(__name__)


@site.route('/success/<name>')
def success(name):
    return 'Welcome %s!' % name


@site.route('/login', methods=['GET', 'POST'])
def login():
    return redirect(url_for('success', name=request.values['nm']))


site.run()
