// The one table mapping source unit spellings to UCUM.
#include "jumeau/core/units.h"

#include <array>
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

constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kTable =
    {{
        {"uV", "uV"},
        {"\xC2\xB5V", "uV"},
        {"\xCE\xBCV", "uV"},
        {"microvolt", "uV"},
        {"mV", "mV"},
        {"V", "V"},
        {"nV", "nV"},
        {"mmHg", "mm[Hg]"},
        {"mm Hg", "mm[Hg]"},
        {"mm[Hg]", "mm[Hg]"},
        {"cmH2O", "cm[H2O]"},
        {"degC", "Cel"},
        {"C", "Cel"},
        {"Cel", "Cel"},
        {"\xC2\xB0"
         "C",
         "Cel"},
        {"degF", "[degF]"},
        {"bpm", "/min"},
        {"BPM", "/min"},
        {"/min", "/min"},
        {"%", "%"},
        {"s", "s"},
        {"ms", "ms"},
        {"Hz", "Hz"},
        {"mL", "mL"},
        {"L", "L"},
        {"L/min", "L/min"},
        {"l/min", "L/min"},
        {"mL/s", "mL/s"},
        {"g", "g"},
        {"NU", "{NU}"},
        {"nu", "{NU}"},
        {"Boolean", "{Boolean}"},
        {"mmol/L", "mmol/L"},
        {"mg/dL", "mg/dL"},
    }};

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
