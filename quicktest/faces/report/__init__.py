"""The PDF pattern read: view data for the templates, the safe fetcher, and the renderer."""
