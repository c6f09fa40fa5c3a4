"""The terminal app: run the quick test live, save every answer as it is given."""
