# Correct, in the package layout of Flask's own tutorial: the app in app/, its login.html in app/templates/.
from app import app

if __name__ == "__main__":
    app.run()
