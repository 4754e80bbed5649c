// Placeholder: filled in by the wfdb_writer work.
#ifndef JUMEAU_IO_WFDB_WRITER_H_
#define JUMEAU_IO_WFDB_WRITER_H_
#endif  // JUMEAU_IO_WFDB_WRITER_H_
