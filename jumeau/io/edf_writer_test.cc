// Placeholder: filled in by the edf_writer work.
