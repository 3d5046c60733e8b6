"""Integrations with other frameworks; each module needs its own extra (see its docstring)."""
