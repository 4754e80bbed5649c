// WriteExamplePatient: the example patient of example.h written to a folder
// through the jumeau/io writers (WFDB 212 + annotations, EDF+C, BDF+C) plus
// the texts built in memory (history.json, genome.vcf, score.txt,
// wearable.csv, wearable.mapping.ini, README.txt). Kept apart from
// example.cc so that the pure builder links without the writers.
#include <fstream>
#include <string>
#include <system_error>

#include "jumeau/io/edf_writer.h"
#include "jumeau/io/wfdb_annotation.h"
#include "jumeau/io/wfdb_writer.h"
#include "jumeau/synth/example.h"
#include "jumeau/synth/internal/text_file.h"

namespace jumeau::synth {
namespace {

// The writer's identification fields from the recording's own (synthetic)
// ones: the EDF+ patient field, and the recording field after its
// "Startdate dd-MMM-yyyy " prefix, which the writer composes itself.
io::EdfWriteOptions EdfOptionsFor(const Recording& recording, bool bdf) {
  io::EdfWriteOptions options;
  options.bdf = bdf;
  options.patient = recording.source_patient_id;
  constexpr size_t kStartdatePrefix = 22;  // "Startdate 02-MAR-2019 "
  const std::string& field = recording.source_recording_id;
  if (field.rfind("Startdate ", 0) == 0 && field.size() > kStartdatePrefix) {
    options.recording_additional = field.substr(kStartdatePrefix);
  }
  return options;
}

// Appends "#<line>\n" for each line to the WFDB header at `path` (WFDB
// header comment lines; "info strings" after the signal lines), adding a
// newline first if the file does not end with one.
Status AppendHeaderComments(const std::filesystem::path& path,
                            const std::vector<std::string>& lines) {
  bool needs_newline = false;
  {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return IoError(path.string() + ": cannot open to add comments");
    const std::streamoff size = in.tellg();
    if (size > 0) {
      in.seekg(size - 1);
      char last = '\n';
      in.get(last);
      needs_newline = last != '\n';
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (!out) return IoError(path.string() + ": cannot open to add comments");
  if (needs_newline) out << '\n';
  for (const std::string& line : lines) out << '#' << line << '\n';
  out.flush();
  if (!out) return IoError(path.string() + ": write failed");
  return Status::Ok();
}

}  // namespace

Status WriteExamplePatient(const std::filesystem::path& out_dir,
                           const ExampleOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(ExamplePatient patient, BuildExamplePatient(options));
  JUMEAU_RETURN_IF_ERROR(internal::MakeDirectory(out_dir));

  io::WfdbWriteOptions wfdb_options;
  wfdb_options.format = 212;
  JUMEAU_RETURN_IF_ERROR(
      io::WriteWfdb(patient.ecg, out_dir, "ecg", wfdb_options));
  JUMEAU_RETURN_IF_ERROR(
      AppendHeaderComments(out_dir / "ecg.hea", patient.ecg_header_comments));
  JUMEAU_RETURN_IF_ERROR(io::WriteWfdbAnnotations(
      patient.ecg_annotations, out_dir / "ecg.atr",
      patient.ecg.signals.front().rate, patient.ecg.start));

  JUMEAU_RETURN_IF_ERROR(io::WriteEdf(patient.eeg, out_dir / "eeg.edf",
                                      EdfOptionsFor(patient.eeg, false)));
  JUMEAU_RETURN_IF_ERROR(io::WriteEdf(patient.bdf, out_dir / "eeg_24bit.bdf",
                                      EdfOptionsFor(patient.bdf, true)));

  JUMEAU_RETURN_IF_ERROR(
      internal::WriteTextFile(out_dir / "history.json", patient.history_json));
  JUMEAU_RETURN_IF_ERROR(
      internal::WriteTextFile(out_dir / "genome.vcf", patient.genome_vcf));
  JUMEAU_RETURN_IF_ERROR(
      internal::WriteTextFile(out_dir / "score.txt", patient.score_txt));
  JUMEAU_RETURN_IF_ERROR(
      internal::WriteTextFile(out_dir / "wearable.csv", patient.wearable_csv));
  JUMEAU_RETURN_IF_ERROR(internal::WriteTextFile(
      out_dir / "wearable.mapping.ini", patient.wearable_mapping));
  return internal::WriteTextFile(out_dir / "README.txt", patient.readme);
}

}  // namespace jumeau::synth
