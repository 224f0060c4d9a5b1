# A Flask app with none of the lesson's routes: every check must fail, in both profiles (POLICY.md: no
# points for behaviour that exists without the lesson's code, such as a HEAD that mirrors a 404).
from flask import Flask

app = Flask(__name__)
