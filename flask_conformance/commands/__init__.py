"""Layer 7, commands: batch grading of a class and the flask-conformance command line."""
