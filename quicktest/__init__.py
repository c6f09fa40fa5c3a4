"""quicktest: a seven-question diagnostic of SaaS revenue health, scored into named patterns."""

__version__ = "0.1.0"
