// The one table mapping source unit spellings to UCUM.
#include "jumeau/core/units.h"

#include <utility>

namespace jumeau {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Source spelling → UCUM. Exact-match, case-sensitive (UCUM is).
constexpr std::pair<std::string_view, std::string_view> kTable[] = {
    {"uV", "uV"}, {"\xC2\xB5V", "uV"}, {"\xCE\xBCV", "uV"}, {"microvolt", "uV"},
    {"mV", "mV"}, {"V", "V"}, {"nV", "nV"},
    {"mmHg", "mm[Hg]"}, {"mm Hg", "mm[Hg]"}, {"mm[Hg]", "mm[Hg]"}, {"cmH2O", "cm[H2O]"},
    {"degC", "Cel"}, {"C", "Cel"}, {"Cel", "Cel"}, {"\xC2\xB0" "C", "Cel"},
    {"degF", "[degF]"}, {"[degF]", "[degF]"},
    {"bpm", "/min"}, {"BPM", "/min"}, {"/min", "/min"}, {"beats/min", "/min"},
    {"breaths/min", "/min"},
    {"%", "%"}, {"s", "s"}, {"ms", "ms"}, {"min", "min"}, {"h", "h"}, {"Hz", "Hz"},
    {"mL", "mL"}, {"ml", "mL"}, {"L", "L"}, {"L/min", "L/min"}, {"l/min", "L/min"},
    {"mL/s", "mL/s"}, {"mL/min", "mL/min"},
    {"g", "g"}, {"kg", "kg"}, {"lb", "[lb_av]"}, {"lbs", "[lb_av]"}, {"[lb_av]", "[lb_av]"},
    {"cm", "cm"}, {"m", "m"}, {"mm", "mm"}, {"in", "[in_i]"}, {"[in_i]", "[in_i]"},
    {"kg/m2", "kg/m2"}, {"a", "a"}, {"years", "a"},
    {"mmol/L", "mmol/L"}, {"mg/dL", "mg/dL"}, {"g/dL", "g/dL"}, {"umol/L", "umol/L"},
    {"mEq/L", "meq/L"}, {"meq/L", "meq/L"}, {"U/L", "U/L"}, {"ng/mL", "ng/mL"},
    {"10*3/uL", "10*3/uL"}, {"10*9/L", "10*9/L"},
    {"NU", "{NU}"}, {"nu", "{NU}"}, {"Boolean", "{Boolean}"},
};

}  // namespace

std::string ToUcum(std::string_view source_unit) {
  const std::string_view u = Trim(source_unit);
  if (u.empty()) return "1";
  for (const auto& [from, to] : kTable) {
    if (u == from) return std::string(to);
  }
  if (u.front() == '{' && u.back() == '}') return std::string(u);
  return "{" + std::string(u) + "}";
}

}  // namespace jumeau
