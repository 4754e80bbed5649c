// Event: a timestamped fact about a patient — a beat label, a sleep stage, a
// lab value, a diagnosis. Codes carry their system so that "N" (a WFDB normal
// beat) and "N" (anything else) never mix.
#ifndef JUMEAU_CORE_EVENT_H_
#define JUMEAU_CORE_EVENT_H_

#include <optional>
#include <string>

#include "jumeau/core/time.h"

namespace jumeau {

// Code systems used across Jumeau. Standard terminologies use their canonical
// URIs; source-specific label sets use urn:jumeau: names.
namespace code_system {
inline constexpr char kLoinc[] = "http://loinc.org";
inline constexpr char kSnomed[] = "http://snomed.info/sct";
inline constexpr char kUcum[] = "http://unitsofmeasure.org";
// WFDB annotation mnemonics ("N", "V", "+", "~"), PhysioNet ecgcodes.h.
inline constexpr char kWfdbAnnotation[] = "urn:jumeau:wfdb-annotation";
// Free-text EDF+ annotations ("T0", "Sleep stage W"), code = the text.
inline constexpr char kEdfAnnotation[] = "urn:jumeau:edf-annotation";
}  // namespace code_system

// A coded concept: system + code, with an optional human display.
struct Code {
  std::string system;
  std::string code;
  std::string display;

  friend bool operator==(const Code& a, const Code& b) {
    return a.system == b.system && a.code == b.code;
  }
};

// A timestamped fact. `end` is set for facts with a duration (an EDF+
// annotation with a duration, a medication period).
struct Event {
  Time time;
  std::optional<Time> end;
  Code code;
  // A quantity: value in `unit` (UCUM). Unset for coded or text facts.
  std::optional<double> value;
  std::string unit;
  // Free text: a WFDB aux string ("(AFIB"), an EDF+ annotation text.
  std::string text;
  // The signal the event refers to, when the source says (WFDB `chan`);
  // empty for the whole recording.
  std::string channel;
  // Source-specific integer detail (WFDB subtyp/num), 0 otherwise.
  int subtype = 0;
  int number = 0;
  // Who produced the fact within its source: the WFDB annotator ("atr",
  // "gqrsh"), later an analysis name. Empty when the source has one voice.
  std::string origin;

  // Clinical detail (FHIR and other record sources); defaults elsewhere.
  // How much of `time` the source gave: a condition onset "2019-03" is
  // kMonth (time = its first instant).
  DatePrecision time_precision = DatePrecision::kSecond;
  // Status of the fact in its source: "final", "amended", "active",
  // "resolved", "completed"...; empty when the source has none.
  std::string status;
  // The quantity exactly as the source wrote it, set only when `value` and
  // `unit` hold a conversion of it to a canonical UCUM unit.
  std::optional<double> source_value;
  std::string source_unit;
  // Reference range of `value` (same unit); unset when absent.
  std::optional<double> reference_low;
  std::optional<double> reference_high;
  // A coded value ("Never smoker" as SNOMED CT 266919005); `text` holds its
  // display.
  std::optional<Code> value_code;
  // Where the fact sits inside its source ("Observation/1b2c"): provenance
  // finer than the source. Never the identifier of a person.
  std::string source_ref;
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_EVENT_H_
