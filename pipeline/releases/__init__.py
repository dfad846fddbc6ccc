"""The statistical releases: one package each (``funding_round``, ``ccg_health``,
``nightly_performance``) with the same modules, declared in one registry (``registry``).
See ``spec`` for the shape every release shares."""
