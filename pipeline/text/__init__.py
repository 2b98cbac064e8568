"""Bytes to numbered lines, and lines to rows of cells, whatever the extraction tool."""
