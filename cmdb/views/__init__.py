"""Pages of the CMDB: a module per area."""
