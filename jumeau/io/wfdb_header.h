// Placeholder: filled in by the wfdb_header work.
#ifndef JUMEAU_IO_WFDB_HEADER_H_
#define JUMEAU_IO_WFDB_HEADER_H_
#endif  // JUMEAU_IO_WFDB_HEADER_H_
