"""Shared test settings. The cluster fixtures (``local_cluster``, ``fresh_local_cluster``, ``unique_name``) come from
the installed ``fulmen`` pytest plugin, not from here: that proves the ``pytest11`` entry point works."""
