// Placeholder: filled in by the wfdb_writer work.
