"""A FastAPI job service built on aiocontainers.jobs (see ``app.py``)."""
