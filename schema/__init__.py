"""What the pupil-level inputs are: their columns and codes, and the errors a user sees.

The lowest layer of the project: the loader (``pipeline.load``), the expectation suites
(``expectations``) and every release read these definitions, and this package imports
nothing of the project.
"""
