"""`python -m quicktest` runs the command line."""

from quicktest.faces.cli.launch import entry

entry()
