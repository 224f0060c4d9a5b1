# Correct, with the routes in a blueprint registered by a factory.
from flask import Flask

from views import bp


def create_app():
    app = Flask(__name__)
    app.register_blueprint(bp)
    return app
