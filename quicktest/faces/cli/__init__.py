"""The command line: parse, call, print, choose the exit status."""
