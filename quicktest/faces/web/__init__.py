"""`quicktest serve`: the app in a browser, for the consultant on loopback and for invited
respondents by their private links."""
