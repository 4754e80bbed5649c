// The one UCUM conversion table (see ucum_conversion.h) and its lookups.
// Canonical units: SI for laboratory concentrations (mmol/L, umol/L), Cel,
// kg, cm and mm[Hg] for vital signs. A new conversion is a new row here, with
// its source; docs/formats-fhir.md reproduces the table.
#include "jumeau/core/ucum_conversion.h"

#include <array>

namespace jumeau {
namespace {

// Sources quoted in the rows.
constexpr std::string_view kGlucose =
    "glucose C6H12O6, M = 180.16 g/mol: 1 mg/dL = 10 mg/L = 1/18.016 mmol/L";
constexpr std::string_view kCholesterol =
    "cholesterol C27H46O, M = 386.65 g/mol: 1 mg/dL = 1/38.67 mmol/L";
constexpr std::string_view kTriglyceride =
    "triglycerides as triolein C57H104O6, M = 885.7 g/mol: "
    "1 mg/dL = 1/88.57 mmol/L";
constexpr std::string_view kCreatinine =
    "creatinine C4H7N3O, M = 113.1 g/mol: 1 mg/dL = 10000/113.1 = 88.42 umol/L "
    "(clinical tables round to 88.4)";
constexpr std::string_view kMassPrefix = "UCUM: g = 1000 mg, kg = 1000 g";
constexpr std::string_view kLengthPrefix = "UCUM: m = 100 cm";

constexpr std::array kTable = std::to_array<UcumConversion>({
    // ---- Glucose: mass (2339-0 blood, 2345-7 serum/plasma, 41653-7
    // capillary blood by glucometer) and molar (15074-8 blood, 14749-6
    // serum/plasma) LOINC codes.
    {"2339-0", "mg/dL", "mmol/L", 1.0 / 18.016, 0.0, kGlucose},
    {"2345-7", "mg/dL", "mmol/L", 1.0 / 18.016, 0.0, kGlucose},
    {"41653-7", "mg/dL", "mmol/L", 1.0 / 18.016, 0.0, kGlucose},
    {"15074-8", "mg/dL", "mmol/L", 1.0 / 18.016, 0.0, kGlucose},
    {"14749-6", "mg/dL", "mmol/L", 1.0 / 18.016, 0.0, kGlucose},
    // ---- Total cholesterol (2093-3 mass, 14647-2 molar), HDL (2085-9,
    // 14646-4), LDL (18262-6 direct assay, 13457-7 calculated, 2089-1;
    // molar 22748-8, 39469-2 calculated).
    {"2093-3", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"14647-2", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"2085-9", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"14646-4", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"18262-6", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"13457-7", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"2089-1", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"22748-8", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    {"39469-2", "mg/dL", "mmol/L", 1.0 / 38.67, 0.0, kCholesterol},
    // ---- Triglycerides (2571-8 mass, 14927-8 molar).
    {"2571-8", "mg/dL", "mmol/L", 1.0 / 88.57, 0.0, kTriglyceride},
    {"14927-8", "mg/dL", "mmol/L", 1.0 / 88.57, 0.0, kTriglyceride},
    // ---- Creatinine (2160-0 serum/plasma, 38483-4 blood; molar 14682-9,
    // 59826-8).
    {"2160-0", "mg/dL", "umol/L", 88.42, 0.0, kCreatinine},
    {"38483-4", "mg/dL", "umol/L", 88.42, 0.0, kCreatinine},
    {"14682-9", "mg/dL", "umol/L", 88.42, 0.0, kCreatinine},
    {"59826-8", "mg/dL", "umol/L", 88.42, 0.0, kCreatinine},
    // ---- Body weight (29463-7) in grams, body height (8302-2) in metres.
    {"29463-7", "g", "kg", 0.001, 0.0, kMassPrefix},
    {"8302-2", "m", "cm", 100.0, 0.0, kLengthPrefix},
    // ---- Any analyte: units whose meaning does not depend on what is
    // measured.
    {"", "[degF]", "Cel", 5.0 / 9.0, -32.0 * 5.0 / 9.0,
     "UCUM [degF]: (F - 32) * 5/9 Cel"},
    {"", "K", "Cel", 1.0, -273.15, "UCUM Cel: K - 273.15"},
    {"", "[lb_av]", "kg", 0.45359237, 0.0,
     "UCUM [lb_av] = 7000 [gr], [gr] = 64.79891 mg: 0.45359237 kg (exact)"},
    {"", "[oz_av]", "kg", 0.028349523125, 0.0,
     "UCUM [oz_av] = 1/16 [lb_av]: 0.028349523125 kg (exact)"},
    {"", "[in_i]", "cm", 2.54, 0.0, "UCUM [in_i] = 2.54 cm (exact)"},
    {"", "[ft_i]", "cm", 30.48, 0.0, "UCUM [ft_i] = 12 [in_i] = 30.48 cm"},
    {"", "kPa", "mm[Hg]", 1000.0 / 133.322387415, 0.0,
     "UCUM mm[Hg] = 133.322387415 Pa"},
});

}  // namespace

std::span<const UcumConversion> UcumConversionTable() { return kTable; }

const UcumConversion* FindCanonicalConversion(std::string_view loinc,
                                              std::string_view ucum_unit) {
  // Analyte rows come first, so the first match is the most specific.
  for (const UcumConversion& row : kTable) {
    if (row.from_unit != ucum_unit) continue;
    if (row.loinc.empty() || row.loinc == loinc) return &row;
  }
  return nullptr;
}

std::optional<CanonicalQuantity> ToCanonicalUcum(std::string_view loinc,
                                                 double value,
                                                 std::string_view ucum_unit) {
  const UcumConversion* row = FindCanonicalConversion(loinc, ucum_unit);
  if (row == nullptr) return std::nullopt;
  return CanonicalQuantity{value * row->factor + row->offset, row->to_unit,
                           row};
}

std::optional<double> ConvertUcum(std::string_view loinc, double value,
                                  std::string_view from_unit,
                                  std::string_view to_unit) {
  if (from_unit == to_unit) return value;
  for (const UcumConversion& row : kTable) {
    if (!row.loinc.empty() && row.loinc != loinc) continue;
    if (row.from_unit == from_unit && row.to_unit == to_unit) {
      return value * row.factor + row.offset;
    }
    if (row.from_unit == to_unit && row.to_unit == from_unit) {
      return (value - row.offset) / row.factor;
    }
  }
  return std::nullopt;
}

bool UcumConversionKnowsUnit(std::string_view unit) {
  for (const UcumConversion& row : kTable) {
    if (row.from_unit == unit || row.to_unit == unit) return true;
  }
  return false;
}

}  // namespace jumeau
