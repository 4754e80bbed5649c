// PhysioNet/CinC Challenge 2012 ("Predicting mortality of ICU patients")
// reader: one ICU stay per file as "Time,Parameter,Value" rows (elapsed
// HH:MM since ICU admission, -1 = missing), every parameter mapped to LOINC
// (or a documented urn:jumeau:challenge2012 code) with a UCUM unit in one
// table; plus the Outcomes file reader. Part of io/: bytes in, core types
// out. The table with its sources and the edge cases: docs/formats-csv.md.
#ifndef JUMEAU_IO_CHALLENGE2012_H_
#define JUMEAU_IO_CHALLENGE2012_H_

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// Code system of Challenge parameters without a single fitting LOINC code
// (ICUType, MechVent, unknown parameters) and of the outcome fields.
inline constexpr char kChallenge2012System[] = "urn:jumeau:challenge2012";

// Admission time is not in the data. 2012-01-01T00:00:00Z (the Challenge's
// year) is the default origin: an arbitrary, fixed instant so that output
// never depends on when it is read.
inline constexpr Time kChallenge2012DefaultOrigin =
    Time::FromNanoseconds(1325376000LL * 1000000000LL);

// One row of the parameter table.
struct Challenge2012Parameter {
  std::string_view name;     // as in the files: "HR", "NISysABP"
  std::string_view system;   // code_system::kLoinc or kChallenge2012System
  std::string_view code;     // "8867-4"
  std::string_view display;  // LOINC long common name (or ours)
  std::string_view unit;     // UCUM of the values as the Challenge gives them
  std::string_view description;  // the Challenge's description and unit
};

// The table: the 6 general descriptors (RecordID, Age, Gender, Height,
// ICUType, Weight) then the 36 time series, in the Challenge's order.
// RecordID has no code (it is the source identity, never an event).
std::span<const Challenge2012Parameter> Challenge2012Parameters();

// The row for `name` (exact, case-sensitive), or nullptr.
const Challenge2012Parameter* FindChallenge2012Parameter(std::string_view name);

// Options of ReadChallenge2012.
struct Challenge2012Options {
  // Instant of elapsed time 00:00 (ICU admission). Default
  // kChallenge2012DefaultOrigin. Valid: within +-146 years of 1970.
  Time origin = kChallenge2012DefaultOrigin;
};

// One ICU stay.
struct Challenge2012Stay {
  // The RecordID value as written ("132539"): the source identity, to be
  // hashed by the store. Empty when the file has no RecordID row.
  std::string record_id;
  // The general descriptors: the first row of each at time 00:00 (the files
  // mix them with 00:00 time-series rows); unset when absent, -1 (missing)
  // or out of their code range.
  std::optional<double> age_years;
  std::optional<int> gender;  // 0 female, 1 male
  std::optional<double> height_cm;
  std::optional<int> icu_type;      // 1 coronary care, 2 cardiac surgery
                                    // recovery, 3 medical, 4 surgical
  std::optional<double> weight_kg;  // admission weight (descriptor row)
  // format "Challenge2012"; start = origin; source_patient_id and
  // source_recording_id = record_id; no signals; events: one per row except
  // RecordID and missing values (-1 or empty), in file order, time = origin +
  // elapsed (exact), code/unit from the table, value = the number as written
  // (Gender and ICUType also get text "female"/"male", "Coronary Care Unit",
  // ...); descriptors are events too (Age, Gender, Height, ICUType and Weight
  // at 00:00). warnings: unknown parameters (kept with code
  // {kChallenge2012System, name}), empty values, a RecordID differing from
  // the file name, unexpected descriptor codes.
  Recording recording;
  // Rows skipped because the value was -1 or empty.
  int64_t missing_values = 0;
};

// Parses one ICU stay file held in memory; `name` stands for the file in
// messages (a file name whose stem differs from the RecordID gets a
// warning).
// Returns kInvalidArgument for an origin out of range; kDataLoss
// "<name> line N: <reason>" when the header is not "Time,Parameter,Value"
// (the Outcomes file gets a message pointing to ReadChallenge2012Outcomes),
// a row has other than 3 fields, a time is not H:MM, a value is not a number,
// or quoting is malformed.
Result<Challenge2012Stay> ReadChallenge2012FromMemory(
    std::string_view bytes, std::string_view name,
    const Challenge2012Options& options = {});

// Reads the file at `path` (see ReadChallenge2012FromMemory). kNotFound /
// kIoError when it cannot be read.
Result<Challenge2012Stay> ReadChallenge2012(
    const std::filesystem::path& path,
    const Challenge2012Options& options = {});

// True when the first content line of `bytes` is the ICU stay header
// "Time,Parameter,Value" (for format detection).
bool LooksLikeChallenge2012(std::string_view bytes);
// True when it is the Outcomes header "RecordID,SAPS-I,SOFA,...".
bool LooksLikeChallenge2012Outcomes(std::string_view bytes);

// One row of an Outcomes file (Outcomes-a.txt). -1 means "not recorded" and
// leaves the field unset.
struct Challenge2012Outcome {
  std::string record_id;
  std::optional<int> saps_i;               // SAPS-I score
  std::optional<int> sofa;                 // SOFA score
  std::optional<int> length_of_stay_days;  // ICU admission to end of
                                           // hospitalisation
  std::optional<int> survival_days;  // ICU admission to recorded death; unset
                                     // when no death was recorded
  bool in_hospital_death = false;
  int64_t line = 0;  // 1-based line in the file
};

// Parses an Outcomes file: header
// "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death" then one
// row per stay. Returns kDataLoss "<name> line N: <reason>" for another
// header, a row of other than 6 fields, a field that is not an integer, or
// In-hospital_death other than 0 or 1.
Result<std::vector<Challenge2012Outcome>> ReadChallenge2012OutcomesFromMemory(
    std::string_view bytes, std::string_view name);

// Reads the Outcomes file at `path`. kNotFound / kIoError when it cannot be
// read; the errors above otherwise.
Result<std::vector<Challenge2012Outcome>> ReadChallenge2012Outcomes(
    const std::filesystem::path& path);

// The outcome as events of the stay admitted at `origin`, all with code
// system kChallenge2012System: "SAPS-I" and "SOFA" ({score}, at origin),
// "Length_of_stay" (d, from origin with end = origin + days), "Survival" (d,
// end = the recorded death), "In-hospital_death" ({Boolean}, 0 or 1). Unset
// fields give no event.
std::vector<Event> Challenge2012OutcomeEvents(
    const Challenge2012Outcome& outcome,
    Time origin = kChallenge2012DefaultOrigin);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_CHALLENGE2012_H_
