// Placeholder: filled in by the wfdb_annotation work.
#ifndef JUMEAU_IO_WFDB_ANNOTATION_H_
#define JUMEAU_IO_WFDB_ANNOTATION_H_
#endif  // JUMEAU_IO_WFDB_ANNOTATION_H_
