// Placeholder: filled in by the edf_writer work.
#ifndef JUMEAU_IO_EDF_WRITER_H_
#define JUMEAU_IO_EDF_WRITER_H_
#endif  // JUMEAU_IO_EDF_WRITER_H_
