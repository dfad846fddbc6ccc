"""Individual rights over the pupil-level store: the consent register, the under-16
restriction on Youth Support Services shares, the share itself, subject access, correction,
erasure and retention.

Each promise of the privacy notice has one module here; the command line is
``cli.rights``. Nothing here writes to ``reports/releases/``.
"""
