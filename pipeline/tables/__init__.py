"""Finding the standard tables of a disclosure and reading their rows into facts."""
