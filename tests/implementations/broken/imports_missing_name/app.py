# Imports a name its own helpers.py lacks: told with the file as the student names it, not under /app.
from flask import Flask
from helpers import greeting

app = Flask(__name__)
