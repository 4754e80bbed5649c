// Placeholder: filled in by the wfdb_signal work.
