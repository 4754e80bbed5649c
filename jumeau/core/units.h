// Units: the mapping from units as sources write them to UCUM.
#ifndef JUMEAU_CORE_UNITS_H_
#define JUMEAU_CORE_UNITS_H_

#include <string>
#include <string_view>

namespace jumeau {

// Returns the UCUM form of a unit written by a source: "mmHg" → "mm[Hg]",
// "uV"/"µV" → "uV", "degC" → "Cel", "bpm" → "/min", "%" → "%", "" → "1".
// A unit already in UCUM is returned unchanged; an unknown unit is returned
// wrapped as a UCUM annotation "{text}" so that it is never mistaken for a
// real unit.
std::string ToUcum(std::string_view source_unit);

}  // namespace jumeau

#endif  // JUMEAU_CORE_UNITS_H_
