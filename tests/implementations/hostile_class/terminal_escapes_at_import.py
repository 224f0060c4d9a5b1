# Terminal escape sequences in the exception its import raises: a load error, shown in the progress line.
raise RuntimeError("\x1b[2J\x1b[H\x1b]0;pwned\x07\x9b31mAll 300 submissions graded: 83/83\x1b[0m")
