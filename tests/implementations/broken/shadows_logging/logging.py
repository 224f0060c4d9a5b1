# My own logging helper, in a file that has the name of a module of Python's own.


def log(message):
    print(message)
