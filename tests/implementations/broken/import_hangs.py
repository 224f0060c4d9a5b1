import time

from flask import Flask

app = Flask(__name__)
while True:
    time.sleep(1)
