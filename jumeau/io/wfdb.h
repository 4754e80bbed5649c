// Placeholder: filled in by the wfdb work.
#ifndef JUMEAU_IO_WFDB_H_
#define JUMEAU_IO_WFDB_H_
#endif  // JUMEAU_IO_WFDB_H_
