"""Aggregations: from statistics-eligible pupil records to tables of counts."""
