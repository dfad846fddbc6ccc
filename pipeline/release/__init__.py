"""Writing statistical releases: guarded, manifested and atomic."""
