// Placeholder: filled in by the wfdb_header work.
