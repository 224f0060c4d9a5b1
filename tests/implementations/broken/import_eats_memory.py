from flask import Flask

app = Flask(__name__)
hoard = []
while True:
    hoard.append(bytearray(50 << 20))
