// Placeholder: filled in by the wfdb work.
