# Asks for a setting with input() while it is imported: fine at a terminal, but the grader cannot type.
from flask import Flask, redirect, url_for, request
app = Flask(__name__)
GREETING = input('greeting? ')  # raises here

@app.route('/success/<name>')
def success(name):
   return 'welcome %s' % name
