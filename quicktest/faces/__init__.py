"""The faces: the command line, text for a terminal, the Textual app, the PDF report and the
web server. A face imports the use cases (`quicktest.app`) and domain types, never the
sources and never another face; only the command line starts the others."""
