# GET /login shows the form (a common pattern elsewhere) instead of reading ?nm= and redirecting, as the
# lesson's GET branch does: GET /login?nm=alice answers 200 with the form.
from flask import Flask, redirect, url_for, request
app = Flask(__name__)

FORM = '<form action="/login" method="post"><input type="text" name="nm"><input type="submit"></form>'

@app.route('/success/<name>')
def success(name):
   return 'welcome %s' % name

@app.route('/login',methods = ['POST', 'GET'])
def login():
   if request.method == 'POST':
      user = request.form['nm']
      return redirect(url_for('success',name = user))
   else:
      return FORM
