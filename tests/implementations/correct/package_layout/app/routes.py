from flask import redirect, render_template, request, url_for
from app import app


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name


@app.route('/login', methods=['POST', 'GET'])
def login():
    if request.method == 'POST':
        return redirect(url_for('success', name=request.form['nm']))
    return redirect(url_for('success', name=request.args.get('nm')))
