# url_for names an endpoint that does not exist: werkzeug.routing.BuildError on every login.
from flask import Flask, redirect, url_for, request
app = Flask(__name__)

@app.route('/success/<name>')
def success(name):
   return 'welcome %s' % name

@app.route('/login',methods = ['POST', 'GET'])
def login():
   if request.method == 'POST':
      user = request.form['nm']
      return redirect(url_for('welcome',name = user))  # raises here
   else:
      user = request.args.get('nm')
      return redirect(url_for('welcome',name = user))  # raises here
