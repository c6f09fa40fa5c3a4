"""The faces: the command line, text for a terminal, the Textual app and the PDF report.
A face imports the domain, the sources and the services, never another face; only the
command line starts the others."""
