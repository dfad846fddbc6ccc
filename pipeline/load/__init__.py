"""Loading input files into the pupil-level store: read, parse, validate, store."""
