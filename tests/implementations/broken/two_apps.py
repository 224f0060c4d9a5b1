from flask import Flask

first = Flask('first')
second = Flask('second')
