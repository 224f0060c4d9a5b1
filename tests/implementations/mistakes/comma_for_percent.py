# A comma where % belongs: the view returns the pair ('welcome %s', name), and Flask takes the name for the
# status. Werkzeug makes it the status line '0 alice', which the development server sends as it is.
from flask import Flask, redirect, url_for, request
app = Flask(__name__)

@app.route('/success/<name>')
def success(name):
   return 'welcome %s', name

@app.route('/login',methods = ['POST', 'GET'])
def login():
   if request.method == 'POST':
      user = request.form['nm']
      return redirect(url_for('success',name = user))
   else:
      user = request.args.get('nm')
      return redirect(url_for('success',name = user))
