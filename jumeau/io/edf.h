// Placeholder: filled in by the edf work.
#ifndef JUMEAU_IO_EDF_H_
#define JUMEAU_IO_EDF_H_
#endif  // JUMEAU_IO_EDF_H_
