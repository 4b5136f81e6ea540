"""Pages of the sales app, a module per area."""
