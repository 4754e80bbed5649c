// Placeholder: filled in by the edf work.
