# The view's parameter is not named as the route's variable: Flask calls success(name='alice'), and
# success(user) raises TypeError: success() got an unexpected keyword argument 'name'.
from flask import Flask, redirect, url_for, request
app = Flask(__name__)

@app.route('/success/<name>')
def success(user):
   return 'welcome %s' % user

@app.route('/login',methods = ['POST', 'GET'])
def login():
   if request.method == 'POST':
      user = request.form['nm']
      return redirect(url_for('success',name = user))
   else:
      user = request.args.get('nm')
      return redirect(url_for('success',name = user))
