"""Plain terminal text of a read, a comparison and revenue metrics (styled only on a tty)."""
