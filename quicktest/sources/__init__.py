"""The edges: files and the session store read into domain types, with every error placed."""
