from flask import Flask, redirect, url_for, request

app = Flask(__name__)
name = input("Port? ")


@app.route('/success/<name>')
def success(name):
    return 'welcome %s' % name
