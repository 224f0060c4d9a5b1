# Correct, rendering both pages from templates and posting with GET, as the lesson's last step.
from flask import Flask, redirect, render_template, request, url_for

site = Flask(__name__)


@site.route('/')
def index():
    return render_template('login.html')


@site.route('/success/<name>')
def success(name):
    return render_template('welcome.html', name=name)


@site.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        return redirect(url_for('success', name=request.form['nm']))
    return redirect(url_for('success', name=request.args.get('nm')))
