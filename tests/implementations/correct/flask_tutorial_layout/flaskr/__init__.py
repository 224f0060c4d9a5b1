# Correct, in the layout of Flask's own tutorial, run as `flask --app flaskr run`: a package with a
# create_app() factory and a blueprint, no Python file beside it, its login.html in flaskr/templates/.
from flask import Flask


def create_app():
    app = Flask(__name__)
    from . import views

    app.register_blueprint(views.bp)
    return app
