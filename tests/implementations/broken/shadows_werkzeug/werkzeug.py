# My helpers, in a file whose name happens to be a package's.


def shout(text):
    return text.upper()
