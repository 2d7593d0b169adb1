"""Alembic scripts of the database schema: env.py and versions/ (storage/upgrade.py runs them).

Alembic loads these files by path, not by import; they are a package only so that mypy and ruff check them.
"""
