"""Revenue files read by DuckDB into NRR, GRR and logo retention (see engine.py)."""
