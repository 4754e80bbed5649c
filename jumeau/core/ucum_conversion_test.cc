// Tests for the UCUM conversion table (ucum_conversion.h): known values from
// the issue and from UCUM, both directions, and the table's own invariants
// (one row per analyte and unit, canonical units are fixed points).
#include "jumeau/core/ucum_conversion.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace jumeau {
namespace {

TEST(UcumConversionTest, PoundsToKilograms) {
  // The HL7 R4 Observation/example: 185 [lb_av] body weight.
  const auto q = ToCanonicalUcum("29463-7", 185.0, "[lb_av]");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->unit, "kg");
  EXPECT_NEAR(q->value, 83.91458845, 1e-8);
  EXPECT_FALSE(q->row->source.empty());
}

TEST(UcumConversionTest, FahrenheitToCelsius) {
  const auto q = ToCanonicalUcum("8310-5", 98.6, "[degF]");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->unit, "Cel");
  EXPECT_NEAR(q->value, 37.0, 1e-9);
  EXPECT_NEAR(*ConvertUcum("", 37.0, "Cel", "[degF]"), 98.6, 1e-9);
  EXPECT_NEAR(*ConvertUcum("", -40.0, "[degF]", "Cel"), -40.0, 1e-9);
}

TEST(UcumConversionTest, LengthAndPressure) {
  EXPECT_NEAR(ToCanonicalUcum("", 70.0, "[in_i]")->value, 177.8, 1e-9);
  EXPECT_NEAR(ToCanonicalUcum("", 6.0, "[ft_i]")->value, 182.88, 1e-9);
  EXPECT_NEAR(ToCanonicalUcum("", 16.0, "kPa")->value, 120.0092, 1e-3);
  EXPECT_NEAR(ToCanonicalUcum("8302-2", 1.8, "m")->value, 180.0, 1e-9);
}

TEST(UcumConversionTest, AnalyteSpecificLabUnits) {
  // Glucose 100 mg/dL = 5.55 mmol/L; cholesterol 200 mg/dL = 5.17 mmol/L;
  // triglycerides 150 mg/dL = 1.69 mmol/L; creatinine 1 mg/dL = 88.42 umol/L.
  EXPECT_NEAR(ToCanonicalUcum("2345-7", 100.0, "mg/dL")->value, 5.5506, 1e-4);
  EXPECT_NEAR(ToCanonicalUcum("2339-0", 100.0, "mg/dL")->value, 5.5506, 1e-4);
  EXPECT_NEAR(ToCanonicalUcum("2093-3", 200.0, "mg/dL")->value, 5.1720, 1e-4);
  EXPECT_NEAR(ToCanonicalUcum("2085-9", 50.0, "mg/dL")->value, 1.2930, 1e-4);
  EXPECT_NEAR(ToCanonicalUcum("18262-6", 100.0, "mg/dL")->value, 2.5860, 1e-4);
  EXPECT_NEAR(ToCanonicalUcum("13457-7", 100.0, "mg/dL")->value, 2.5860, 1e-4);
  EXPECT_NEAR(ToCanonicalUcum("2571-8", 150.0, "mg/dL")->value, 1.6936, 1e-4);
  const auto creatinine = ToCanonicalUcum("2160-0", 1.0, "mg/dL");
  ASSERT_TRUE(creatinine.has_value());
  EXPECT_EQ(creatinine->unit, "umol/L");
  EXPECT_DOUBLE_EQ(creatinine->value, 88.42);
  // Backwards: 5.5506 mmol/L glucose is 100 mg/dL.
  EXPECT_NEAR(*ConvertUcum("2345-7", 5.5506, "mmol/L", "mg/dL"), 100.0, 1e-2);
}

TEST(UcumConversionTest, NoRowMeansNoConversion) {
  // mg/dL of an analyte without a molar mass in the table.
  EXPECT_EQ(FindCanonicalConversion("1751-7", "mg/dL"), nullptr);
  EXPECT_EQ(FindCanonicalConversion("", "mg/dL"), nullptr);
  EXPECT_FALSE(ToCanonicalUcum("2345-7", 5.0, "mmol/L").has_value());
  EXPECT_FALSE(ConvertUcum("1751-7", 1.0, "mg/dL", "mmol/L").has_value());
  EXPECT_FALSE(ConvertUcum("", 1.0, "kg", "cm").has_value());
  EXPECT_DOUBLE_EQ(*ConvertUcum("", 3.5, "kg", "kg"), 3.5);
  // Body weight in grams converts only for the body weight code.
  EXPECT_EQ(FindCanonicalConversion("718-7", "g"), nullptr);
  EXPECT_NE(FindCanonicalConversion("29463-7", "g"), nullptr);
}

TEST(UcumConversionTest, TableInvariants) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const UcumConversion& row : UcumConversionTable()) {
    SCOPED_TRACE(std::string(row.loinc) + " " + std::string(row.from_unit));
    EXPECT_GT(row.factor, 0.0);
    EXPECT_FALSE(row.from_unit.empty());
    EXPECT_FALSE(row.to_unit.empty());
    EXPECT_NE(row.from_unit, row.to_unit);
    EXPECT_FALSE(row.source.empty());
    EXPECT_TRUE(seen.emplace(row.loinc, row.from_unit).second)
        << "two rows for the same analyte and unit";
    // Canonical units are fixed points: no chain of conversions.
    EXPECT_EQ(FindCanonicalConversion(row.loinc, row.to_unit), nullptr);
    // The row found for its own analyte and unit is itself.
    if (!row.loinc.empty()) {
      EXPECT_EQ(FindCanonicalConversion(row.loinc, row.from_unit), &row);
    }
    // Round trip.
    const double v = 12.5;
    const auto there = ConvertUcum(row.loinc, v, row.from_unit, row.to_unit);
    ASSERT_TRUE(there.has_value());
    EXPECT_NEAR(*ConvertUcum(row.loinc, *there, row.to_unit, row.from_unit), v,
                1e-9);
    EXPECT_TRUE(UcumConversionKnowsUnit(row.from_unit));
    EXPECT_TRUE(UcumConversionKnowsUnit(row.to_unit));
  }
  EXPECT_FALSE(UcumConversionKnowsUnit("furlong"));
}

}  // namespace
}  // namespace jumeau
