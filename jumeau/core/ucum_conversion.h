// UCUM unit conversion: the one documented table of conversions Jumeau
// applies to clinical quantities (mg/dL <-> mmol/L per analyte, [degF] <->
// Cel, [lb_av] <-> kg, [in_i] <-> cm ...), each row citing where its factor
// comes from. Part of core/: readers (FHIR, device CSV) use it to add a
// canonical value next to the value as the source wrote it.
#ifndef JUMEAU_CORE_UCUM_CONVERSION_H_
#define JUMEAU_CORE_UCUM_CONVERSION_H_

#include <optional>
#include <span>
#include <string_view>

namespace jumeau {

// One row of the table: canonical = value * factor + offset, where value is
// in `from_unit` and canonical in `to_unit` (the canonical unit). Rows with an
// analyte apply only to that LOINC code: the molar mass differs per analyte.
struct UcumConversion {
  std::string_view loinc;      // analyte LOINC code; "" = any analyte
  std::string_view from_unit;  // UCUM code of the source unit
  std::string_view to_unit;    // UCUM code of the canonical unit
  double factor = 1.0;
  double offset = 0.0;
  std::string_view source;  // where the factor comes from
};

// The whole table, in lookup order (analyte rows before any-analyte rows).
// Static storage; never empty.
std::span<const UcumConversion> UcumConversionTable();

// Returns the row that converts `ucum_unit` to its canonical unit for the
// analyte `loinc` ("" when the quantity is not LOINC-coded): a row for that
// analyte first, else an any-analyte row. Returns nullptr when no row applies
// (the unit is already canonical, or no conversion is defined for it).
const UcumConversion* FindCanonicalConversion(std::string_view loinc,
                                              std::string_view ucum_unit);

// A value in its canonical unit.
struct CanonicalQuantity {
  double value = 0.0;
  std::string_view unit;                // static storage (the table)
  const UcumConversion* row = nullptr;  // the row applied
};

// Converts (value, ucum_unit) of analyte `loinc` to its canonical unit with
// FindCanonicalConversion. Returns nullopt when no row applies.
std::optional<CanonicalQuantity> ToCanonicalUcum(std::string_view loinc,
                                                 double value,
                                                 std::string_view ucum_unit);

// Converts `value` from `from_unit` to `to_unit` for analyte `loinc` using
// one row of the table forwards or backwards (so mmol/L -> mg/dL works for
// glucose too). Returns `value` unchanged when the units are equal, nullopt
// when no row links the two units for this analyte.
std::optional<double> ConvertUcum(std::string_view loinc, double value,
                                  std::string_view from_unit,
                                  std::string_view to_unit);

// True when `unit` appears in the table as a source or canonical unit (so it
// is a UCUM code: "kg", "mg/dL", "[lb_av]").
bool UcumConversionKnowsUnit(std::string_view unit);

}  // namespace jumeau

#endif  // JUMEAU_CORE_UCUM_CONVERSION_H_
