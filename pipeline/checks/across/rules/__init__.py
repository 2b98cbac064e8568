"""The rules across documents, one module each (see pipeline.checks.across)."""
