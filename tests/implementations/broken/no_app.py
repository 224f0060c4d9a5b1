# Defines routes but never creates a Flask object.
def login():
    return 'welcome'
