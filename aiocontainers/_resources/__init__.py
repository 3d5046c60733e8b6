"""Resource managers (collections) and handles (models), one module per resource."""
