# The route's variable is <username>, and url_for is given name=: BuildError, "Could not build url for
# endpoint 'success' with values ['name']. Did you forget to specify values ['username']?"
from flask import Flask, redirect, url_for, request
app = Flask(__name__)

@app.route('/success/<username>')
def success(username):
   return 'welcome %s' % username

@app.route('/login',methods = ['POST', 'GET'])
def login():
   if request.method == 'POST':
      user = request.form['nm']
      return redirect(url_for('success',name = user))
   else:
      user = request.args.get('nm')
      return redirect(url_for('success',name = user))
