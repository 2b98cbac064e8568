"""The registered checks, one module per rule (see pipeline/checks/__init__.py)."""
