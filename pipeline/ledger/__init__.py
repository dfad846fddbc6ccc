"""The release ledger: every release written, kept in the pupil-level store.

For each release the ledger records its id, flow, period, reference date, profile, folder
and the earlier release of the same period it revises (the ledger's columns of
``release_records``), and for each table the attacker's audit checked: the population it
counts, its dimensions (total codes, parents, which are attributes) and every cell as
published with its true value (``pipeline.store.ledger_tables``). Aggregates only: no UPN,
no keyed hash, no pupil-level row.

* ``entry``: a release's ledger entry (:class:`~pipeline.ledger.entry.LedgerEntry`);
* ``record``: the release writer's record, population and ledger entry committed in one
  transaction, so both become visible with the release folder;
* ``read``: the releases of the ledger (settling a killed run first);
* ``cells``: an earlier release's tables and cells, as the protection frames held them;
* ``revisions``: whether a run would publish the same files as the latest release of its
  period, and the note's line naming the release a revision revises;
* ``withdraw``: marking a release withdrawn (never deleting it).

Importing this package imports none of its modules: the command line imports ``read`` and
``withdraw`` only (quick to import), the release run the others.
"""
