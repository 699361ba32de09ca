"""Organisation pages, one module per resource."""
