from flask import Flask

app = Flask(__name__)
settings = {}
SECRET = settings['SECRET_KEY']
