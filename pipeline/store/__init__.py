"""The pupil-level store: one local DuckDB file, owner-only, never leaving this machine."""

from pipeline.store.connection import open_store
from pipeline.store.tables import create_tables

__all__ = ["create_tables", "open_store"]
