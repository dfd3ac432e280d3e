"""cekfakta: a keyword fact-check hotline over a SQLite knowledge base of verified statements."""

__version__ = "0.1.0"
