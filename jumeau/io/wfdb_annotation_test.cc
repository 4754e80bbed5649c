// Placeholder: filled in by the wfdb_annotation work.
