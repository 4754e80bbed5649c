// Placeholder: filled in by the wfdb_signal work.
#ifndef JUMEAU_IO_WFDB_SIGNAL_H_
#define JUMEAU_IO_WFDB_SIGNAL_H_
#endif  // JUMEAU_IO_WFDB_SIGNAL_H_
