"""Runnable example applications (each documented in its own module)."""
