"""Alembic migrations of the session store (run by SessionStore on open)."""
