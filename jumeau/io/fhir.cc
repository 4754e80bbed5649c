// FHIR R4 reader behind fhir.h. simdjson's DOM parser validates each JSON
// document (a whole Bundle, or one NDJSON line) and we walk the tree with
// typed accessors that know the JSON pointer of what they read; when
// something is wrong, internal/json_location turns the pointer (or the
// syntax error) into a line and column. Docs: docs/formats-fhir.md.
#include "jumeau/io/fhir.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <functional>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "jumeau/core/ucum_conversion.h"
#include "jumeau/core/units.h"
#include "jumeau/io/internal/json_location.h"
#include "jumeau/io/internal/wfdb_files.h"

namespace jumeau::io {
namespace {

namespace dom = simdjson::dom;
using internal::JsonPointerSegment;

// Distinct warnings kept; further ones are counted in one last line.
constexpr size_t kMaxWarnings = 50;
// Bundles inside bundles deeper than this are an error (the JSON depth limit
// bounds it anyway; this keeps the recursion small).
constexpr int kMaxBundleDepth = 8;
// Bytes read from an NDJSON file per read() call.
constexpr size_t kNdjsonChunkBytes = size_t{1} << 20;
// Years whose instants fit in Time (int64 ns: 1677-09-21 .. 2262-04-11).
constexpr int kMinYear = 1678;
constexpr int kMaxYear = 2261;
// Longest JSON pointer quoted whole in a message.
constexpr size_t kMaxPointerChars = 200;

// Every resource type of FHIR R4 (4.0.1), sorted for binary search.
constexpr auto kR4ResourceTypes = std::to_array<std::string_view>({
    "Account",
    "ActivityDefinition",
    "AdverseEvent",
    "AllergyIntolerance",
    "Appointment",
    "AppointmentResponse",
    "AuditEvent",
    "Basic",
    "Binary",
    "BiologicallyDerivedProduct",
    "BodyStructure",
    "Bundle",
    "CapabilityStatement",
    "CarePlan",
    "CareTeam",
    "CatalogEntry",
    "ChargeItem",
    "ChargeItemDefinition",
    "Claim",
    "ClaimResponse",
    "ClinicalImpression",
    "CodeSystem",
    "Communication",
    "CommunicationRequest",
    "CompartmentDefinition",
    "Composition",
    "ConceptMap",
    "Condition",
    "Consent",
    "Contract",
    "Coverage",
    "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
    "DetectedIssue",
    "Device",
    "DeviceDefinition",
    "DeviceMetric",
    "DeviceRequest",
    "DeviceUseStatement",
    "DiagnosticReport",
    "DocumentManifest",
    "DocumentReference",
    "EffectEvidenceSynthesis",
    "Encounter",
    "Endpoint",
    "EnrollmentRequest",
    "EnrollmentResponse",
    "EpisodeOfCare",
    "EventDefinition",
    "Evidence",
    "EvidenceVariable",
    "ExampleScenario",
    "ExplanationOfBenefit",
    "FamilyMemberHistory",
    "Flag",
    "Goal",
    "GraphDefinition",
    "Group",
    "GuidanceResponse",
    "HealthcareService",
    "ImagingStudy",
    "Immunization",
    "ImmunizationEvaluation",
    "ImmunizationRecommendation",
    "ImplementationGuide",
    "InsurancePlan",
    "Invoice",
    "Library",
    "Linkage",
    "List",
    "Location",
    "Measure",
    "MeasureReport",
    "Media",
    "Medication",
    "MedicationAdministration",
    "MedicationDispense",
    "MedicationKnowledge",
    "MedicationRequest",
    "MedicationStatement",
    "MedicinalProduct",
    "MedicinalProductAuthorization",
    "MedicinalProductContraindication",
    "MedicinalProductIndication",
    "MedicinalProductIngredient",
    "MedicinalProductInteraction",
    "MedicinalProductManufactured",
    "MedicinalProductPackaged",
    "MedicinalProductPharmaceutical",
    "MedicinalProductUndesirableEffect",
    "MessageDefinition",
    "MessageHeader",
    "MolecularSequence",
    "NamingSystem",
    "NutritionOrder",
    "Observation",
    "ObservationDefinition",
    "OperationDefinition",
    "OperationOutcome",
    "Organization",
    "OrganizationAffiliation",
    "Parameters",
    "Patient",
    "PaymentNotice",
    "PaymentReconciliation",
    "Person",
    "PlanDefinition",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
    "Provenance",
    "Questionnaire",
    "QuestionnaireResponse",
    "RelatedPerson",
    "RequestGroup",
    "ResearchDefinition",
    "ResearchElementDefinition",
    "ResearchStudy",
    "ResearchSubject",
    "RiskAssessment",
    "RiskEvidenceSynthesis",
    "Schedule",
    "SearchParameter",
    "ServiceRequest",
    "Slot",
    "Specimen",
    "SpecimenDefinition",
    "StructureDefinition",
    "StructureMap",
    "Subscription",
    "Substance",
    "SubstanceNucleicAcid",
    "SubstancePolymer",
    "SubstanceProtein",
    "SubstanceReferenceInformation",
    "SubstanceSourceMaterial",
    "SubstanceSpecification",
    "SupplyDelivery",
    "SupplyRequest",
    "Task",
    "TerminologyCapabilities",
    "TestReport",
    "TestScript",
    "ValueSet",
    "VerificationResult",
    "VisionPrescription",
});

static_assert(kR4ResourceTypes.size() == 146);
static_assert(std::is_sorted(kR4ResourceTypes.begin(), kR4ResourceTypes.end()));

bool IsR4ResourceType(std::string_view type) {
  return std::binary_search(kR4ResourceTypes.begin(), kR4ResourceTypes.end(),
                            type);
}

// The position of `type` in kR4ResourceTypes. REQUIRES: IsR4ResourceType.
uint8_t R4TypeIndex(std::string_view type) {
  return static_cast<uint8_t>(std::lower_bound(kR4ResourceTypes.begin(),
                                               kR4ResourceTypes.end(), type) -
                              kR4ResourceTypes.begin());
}

// Hash for string keys that also takes string_views (heterogeneous lookup).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};

// What the reader keeps per patient reference: whether a Patient resource
// has this id, and its resources by type as packed (type index << 56 |
// count) words — a patient has resources of a dozen or so types, so this is
// ~8 bytes per type instead of a map node with a type string (~100 bytes).
struct PatientEntry {
  static constexpr int kTypeShift = 56;
  static constexpr uint64_t kCountMask = (uint64_t{1} << kTypeShift) - 1;
  std::vector<uint64_t> counts;
  bool known = false;

  void Add(uint8_t type, uint64_t n) {
    const uint64_t tag = uint64_t{type} << kTypeShift;
    for (uint64_t& c : counts) {
      if ((c & ~kCountMask) == tag) {
        c += n;  // 2^56 resources of one type would be needed to overflow
        return;
      }
    }
    counts.push_back(tag | n);
  }
};

// The resource types that give events (or, for Patient and Medication, feed
// them). Everything else is counted and skipped.
enum class Kind {
  kSkip,
  kBundle,
  kPatient,
  kMedication,
  kObservation,
  kCondition,
  kMedicationRequest,
  kMedicationStatement,
  kProcedure,
  kEncounter,
  kAllergyIntolerance,
  kImmunization,
  kDiagnosticReport,
  kDevice,
};

Kind KindOf(std::string_view type) {
  static constexpr std::pair<std::string_view, Kind> kKinds[] = {
      {"Bundle", Kind::kBundle},
      {"Patient", Kind::kPatient},
      {"Medication", Kind::kMedication},
      {"Observation", Kind::kObservation},
      {"Condition", Kind::kCondition},
      {"MedicationRequest", Kind::kMedicationRequest},
      {"MedicationStatement", Kind::kMedicationStatement},
      {"Procedure", Kind::kProcedure},
      {"Encounter", Kind::kEncounter},
      {"AllergyIntolerance", Kind::kAllergyIntolerance},
      {"Immunization", Kind::kImmunization},
      {"DiagnosticReport", Kind::kDiagnosticReport},
      {"Device", Kind::kDevice},
  };
  for (const auto& [name, kind] : kKinds) {
    if (name == type) return kind;
  }
  return Kind::kSkip;
}

// ---------------------------------------------------------------------------
// Locations: a chain of stack-allocated steps from the document root, turned
// into a JSON pointer only when a message needs it.

struct Loc {
  Loc() = default;  // the document root
  Loc(const Loc& parent_loc, std::string_view member)
      : parent(&parent_loc), key(member) {}
  Loc(const Loc& parent_loc, int64_t element)
      : parent(&parent_loc), index(element) {}

  const Loc* parent = nullptr;
  std::string_view key;
  int64_t index = -1;
};

std::vector<JsonPointerSegment> SegmentsOf(const Loc& loc) {
  std::vector<JsonPointerSegment> out;
  for (const Loc* l = &loc; l->parent != nullptr; l = l->parent) {
    out.push_back({l->key, l->index});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// One JSON document being read: where it sits in its file.
struct DocText {
  std::string_view file_name;
  std::string_view text;   // the document (a whole file, or one NDJSON line)
  int64_t first_line = 1;  // line number of text[0] in the file

  // "<file> line L column C (<pointer>)".
  std::string WhereOffset(size_t offset, std::string_view pointer) const {
    const internal::TextPosition pos = internal::PositionOfOffset(text, offset);
    std::string out = std::string(file_name) + " line " +
                      std::to_string(first_line + pos.line - 1) + " column " +
                      std::to_string(pos.column);
    if (pointer.size() > kMaxPointerChars) {
      // A pointer into deep nesting: its two ends say enough.
      out +=
          " (" + std::string(pointer.substr(0, kMaxPointerChars / 2)) + "..." +
          std::string(pointer.substr(pointer.size() - kMaxPointerChars / 2)) +
          ")";
    } else if (!pointer.empty()) {
      out += " (" + std::string(pointer) + ")";
    }
    return out;
  }

  std::string Where(const Loc& loc) const {
    const auto segments = SegmentsOf(loc);
    const auto offset = internal::FindJsonPointer(text, segments);
    return WhereOffset(offset.value_or(0),
                       internal::FormatJsonPointer(segments));
  }
};

// A short, printable rendering of a source string for a message (only used
// for non-identifying text such as a resourceType).
std::string Printable(std::string_view s) {
  std::string out;
  for (const char c : s.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
    }
  }
  if (s.size() > 64) out += "...";
  return out;
}

// ---------------------------------------------------------------------------
// Typed access to a DOM with a sticky first error: accessors return nothing
// after (or on) a type error, and the resource handler checks failed() once.

class Json {
 public:
  explicit Json(const DocText& doc) : doc_(doc) {}

  const DocText& doc() const { return doc_; }
  bool failed() const { return !status_.ok(); }
  const Status& status() const { return status_; }

  void Fail(const Loc& loc, std::string_view reason) {
    if (failed()) return;
    status_ = DataLossError(doc_.Where(loc) + ": " + std::string(reason));
  }

  // The member loc.key of `obj`; nullopt when absent or null.
  std::optional<dom::element> Member(dom::object obj, const Loc& loc) {
    dom::element e;
    if (failed() || obj.at_key(loc.key).get(e) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    if (e.type() == dom::element_type::NULL_VALUE) return std::nullopt;
    return e;
  }

  std::optional<dom::object> AsObject(dom::element e, const Loc& loc) {
    dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      Fail(loc, "expected an object");
      return std::nullopt;
    }
    return o;
  }
  std::optional<dom::array> AsArray(dom::element e, const Loc& loc) {
    dom::array a;
    if (e.get_array().get(a) != simdjson::SUCCESS) {
      Fail(loc, "expected an array");
      return std::nullopt;
    }
    return a;
  }
  std::optional<std::string_view> AsString(dom::element e, const Loc& loc) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      Fail(loc, "expected a string");
      return std::nullopt;
    }
    return s;
  }
  std::optional<double> AsNumber(dom::element e, const Loc& loc) {
    double d = 0;
    if (e.get_double().get(d) != simdjson::SUCCESS) {
      Fail(loc, "expected a number");
      return std::nullopt;
    }
    return d;
  }
  std::optional<int64_t> AsInteger(dom::element e, const Loc& loc) {
    int64_t v = 0;
    if (e.get_int64().get(v) != simdjson::SUCCESS) {
      Fail(loc, "expected an integer");
      return std::nullopt;
    }
    return v;
  }
  std::optional<bool> AsBool(dom::element e, const Loc& loc) {
    bool b = false;
    if (e.get_bool().get(b) != simdjson::SUCCESS) {
      Fail(loc, "expected true or false");
      return std::nullopt;
    }
    return b;
  }

  std::optional<dom::object> Object(dom::object obj, const Loc& loc) {
    const auto e = Member(obj, loc);
    return e ? AsObject(*e, loc) : std::nullopt;
  }
  std::optional<dom::array> Array(dom::object obj, const Loc& loc) {
    const auto e = Member(obj, loc);
    return e ? AsArray(*e, loc) : std::nullopt;
  }
  // "" when absent.
  std::string_view String(dom::object obj, const Loc& loc) {
    const auto e = Member(obj, loc);
    if (!e) return {};
    return AsString(*e, loc).value_or(std::string_view());
  }
  std::optional<double> Number(dom::object obj, const Loc& loc) {
    const auto e = Member(obj, loc);
    return e ? AsNumber(*e, loc) : std::nullopt;
  }

 private:
  const DocText& doc_;
  Status status_;
};

// The member of `obj` named prefix + an upper-case suffix (a FHIR choice
// element value[x], effective[x]...): its key and value.
struct Choice {
  std::string_view key;
  std::string_view suffix;  // "Quantity", "DateTime", "Period"...
  dom::element value;
};

std::optional<Choice> FindChoice(dom::object obj, std::string_view prefix) {
  for (const dom::key_value_pair kv : obj) {
    const std::string_view k = kv.key;
    if (k.size() > prefix.size() && k.substr(0, prefix.size()) == prefix &&
        k[prefix.size()] >= 'A' && k[prefix.size()] <= 'Z') {
      if (kv.value.type() == dom::element_type::NULL_VALUE) continue;
      return Choice{k, k.substr(prefix.size()), kv.value};
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// FHIR dates.

struct FhirTime {
  Time time;
  DatePrecision precision = DatePrecision::kSecond;
};

struct ParsedDate {
  CivilTime civil;
  DatePrecision precision = DatePrecision::kDay;
  int offset_minutes = 0;  // local = UTC + offset
};

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Parses a FHIR date ("YYYY", "YYYY-MM", "YYYY-MM-DD") or, when allow_time,
// dateTime/instant ("YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)"). Lenient in two
// documented ways: seconds may be omitted, and a missing zone means UTC. A
// leap second (ss = 60) is read as second 59.
std::optional<ParsedDate> ParseFhirDate(std::string_view s, bool allow_time) {
  ParsedDate p;
  CivilTime& c = p.civil;
  if (s.size() < 4 || !Digits(s, 0, 4, &c.year) || c.year < 1) {
    return std::nullopt;
  }
  p.precision = DatePrecision::kYear;
  if (s.size() == 4) return p;
  if (s[4] != '-' || !Digits(s, 5, 2, &c.month) || c.month < 1 ||
      c.month > 12) {
    return std::nullopt;
  }
  p.precision = DatePrecision::kMonth;
  if (s.size() == 7) return p;
  if (s[7] != '-' || !Digits(s, 8, 2, &c.day)) return std::nullopt;
  // The day must exist in its month; the year range is checked by the caller
  // (out of range is a warning, not malformed), so probe with a year of the
  // same leap-year cycle inside Time's span.
  CivilTime probe = c;
  const int cycle_year = c.year % 400;  // leap years repeat every 400 years
  probe.year = cycle_year >= 78 ? 1600 + cycle_year : 2000 + cycle_year;
  if (!ValidCivil(probe)) return std::nullopt;
  p.precision = DatePrecision::kDay;
  if (s.size() == 10) return p;
  if (!allow_time || s[10] != 'T') return std::nullopt;
  if (!Digits(s, 11, 2, &c.hour) || s.size() < 16 || s[13] != ':' ||
      !Digits(s, 14, 2, &c.minute) || c.hour > 23 || c.minute > 59) {
    return std::nullopt;
  }
  size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!Digits(s, i + 1, 2, &c.second) || c.second > 60) return std::nullopt;
    i += 3;
    if (c.second == 60) c.second = 59;  // a leap second: its last instant
    if (i < s.size() && s[i] == '.') {
      ++i;
      const size_t start = i;
      int64_t nanos = 0;
      int kept = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (kept < 9) {
          nanos = nanos * 10 + (s[i] - '0');
          ++kept;
        }
        ++i;
      }
      if (i == start) return std::nullopt;
      for (; kept < 9; ++kept) nanos *= 10;
      c.nanosecond = nanos;
    }
  }
  p.precision = DatePrecision::kSecond;
  if (i == s.size()) return p;  // no zone: UTC
  if (s[i] == 'Z' && i + 1 == s.size()) return p;
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  int oh = 0, om = 0;
  if (i + 6 != s.size() || !Digits(s, i + 1, 2, &oh) || s[i + 3] != ':' ||
      !Digits(s, i + 4, 2, &om) || oh > 14 || om > 59) {
    return std::nullopt;
  }
  p.offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
  return p;
}

// The instant of a parsed date; nullopt outside the range of Time.
std::optional<Time> InstantOf(const ParsedDate& p) {
  if (p.civil.year < kMinYear || p.civil.year > kMaxYear) return std::nullopt;
  return FromCivil(p.civil) - Duration::Minutes(p.offset_minutes);
}

constexpr char kDateTimeExpected[] =
    "not a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or "
    "YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm))";
constexpr char kDateExpected[] =
    "not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)";

// ---------------------------------------------------------------------------
// References.

// The id part of a Bundle fullUrl: "urn:uuid:X" -> X, ".../Patient/X" -> X.
std::string_view IdFromFullUrl(std::string_view url) {
  for (const std::string_view urn : {"urn:uuid:", "urn:oid:"}) {
    if (url.substr(0, urn.size()) == urn) return url.substr(urn.size());
  }
  if (const size_t h = url.find("/_history/"); h != std::string_view::npos) {
    url = url.substr(0, h);
  }
  const size_t slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

// "Type/id" from a literal reference ("Patient/1", "http://x/fhir/Patient/1",
// "Patient/1/_history/2"); nullopt for urn:, contained (#) and conditional
// (?) references and for unknown types.
std::optional<std::pair<std::string_view, std::string_view>> SplitReference(
    std::string_view ref) {
  if (ref.empty() || ref.front() == '#' || ref.substr(0, 4) == "urn:" ||
      ref.find('?') != std::string_view::npos) {
    return std::nullopt;
  }
  if (const size_t h = ref.find("/_history/"); h != std::string_view::npos) {
    ref = ref.substr(0, h);
  }
  const size_t slash = ref.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == ref.size()) {
    return std::nullopt;
  }
  const std::string_view id = ref.substr(slash + 1);
  std::string_view head = ref.substr(0, slash);
  const size_t prev = head.rfind('/');
  const std::string_view type =
      prev == std::string_view::npos ? head : head.substr(prev + 1);
  if (!IsR4ResourceType(type)) return std::nullopt;
  return std::make_pair(type, id);
}

std::string TypeIdKey(std::string_view type, std::string_view id) {
  std::string key;
  key.reserve(type.size() + 1 + id.size());
  key.append(type).push_back('/');
  key.append(id);
  return key;
}

// One Bundle's entries, indexed by fullUrl and "Type/id" before any entry is
// read, so that references to later entries resolve. Views point into the
// Bundle's DOM.
struct BundleIndex {
  struct Entry {
    std::string_view type;
    std::string_view id;  // Resource.id, else from the fullUrl
    dom::object resource;
  };
  const BundleIndex* parent = nullptr;
  std::vector<Entry> entries;
  std::unordered_map<std::string_view, size_t> by_full_url;
  std::unordered_map<std::string, size_t> by_type_id;

  const Entry* Find(std::string_view ref) const {
    for (const BundleIndex* b = this; b != nullptr; b = b->parent) {
      if (auto it = b->by_full_url.find(ref); it != b->by_full_url.end()) {
        return &b->entries[it->second];
      }
      if (const auto split = SplitReference(ref)) {
        const auto it =
            b->by_type_id.find(TypeIdKey(split->first, split->second));
        if (it != b->by_type_id.end()) return &b->entries[it->second];
      }
    }
    return nullptr;
  }
};

// ---------------------------------------------------------------------------
// Codes.

bool PreferredSystem(std::string_view system) {
  return system == code_system::kLoinc || system == code_system::kSnomed ||
         system == fhir_code_system::kRxNorm ||
         system == fhir_code_system::kCvx;
}

std::optional<Code> ReadCoding(Json& json, dom::object coding, const Loc& loc) {
  Code code;
  code.code = std::string(json.String(coding, Loc(loc, "code")));
  if (code.code.empty()) return std::nullopt;
  code.system = std::string(json.String(coding, Loc(loc, "system")));
  code.display = std::string(json.String(coding, Loc(loc, "display")));
  return code;
}

// The coding of a CodeableConcept: the first with a preferred system (LOINC,
// SNOMED CT, RxNorm, CVX), else the first with a code; display from the
// coding, else the concept's text. Text alone gives a kText code.
std::optional<Code> ReadCodeableConcept(Json& json, dom::object cc,
                                        const Loc& loc) {
  const std::string_view text = json.String(cc, Loc(loc, "text"));
  std::optional<Code> first;
  std::optional<Code> preferred;
  const Loc codings_loc(loc, "coding");
  if (const auto codings = json.Array(cc, codings_loc)) {
    int64_t i = 0;
    for (const dom::element e : *codings) {
      const Loc item(codings_loc, i++);
      const auto coding = json.AsObject(e, item);
      if (!coding) break;
      auto code = ReadCoding(json, *coding, item);
      if (!code) continue;
      if (PreferredSystem(code->system)) {
        preferred = std::move(code);
        break;
      }
      if (!first) first = std::move(code);
    }
  }
  std::optional<Code> out = preferred ? std::move(preferred) : std::move(first);
  if (out) {
    if (out->display.empty()) out->display = std::string(text);
    return out;
  }
  if (!text.empty()) {
    return Code{fhir_code_system::kText, std::string(text), std::string(text)};
  }
  return std::nullopt;
}

std::optional<Code> ReadCodeableConceptMember(Json& json, dom::object obj,
                                              const Loc& loc) {
  const auto cc = json.Object(obj, loc);
  return cc ? ReadCodeableConcept(json, *cc, loc) : std::nullopt;
}

// ---------------------------------------------------------------------------
// The reader.

// A warning that may repeat: counted, with the location of its first
// occurrence.
struct Note {
  int64_t count = 0;
  std::string first_where;
};

// What a handler knows about the resource it reads.
struct ResourceCtx {
  Json& json;
  dom::object obj;
  const Loc& loc;
  std::string_view type;
  std::string_view id;
  const BundleIndex* bundle = nullptr;
  std::string patient_ref;
  bool patient_resolved = false;
};

}  // namespace

class FhirReader::Impl {
 public:
  Impl(FhirSink* sink, const FhirReaderOptions& options)
      : sink_(sink), options_(options) {}

  Status AddJson(std::string_view bytes, std::string_view file_name,
                 bool in_folder) {
    const DocText doc{file_name, WithoutBom(bytes), 1};
    dom::element root;
    JUMEAU_RETURN_IF_ERROR(Parse(doc, &root));
    if (in_folder && IsBulkManifest(root)) {
      Warn(std::string(file_name) +
           ": skipped (a Bulk Data manifest, not a FHIR resource)");
      return Status::Ok();
    }
    return ReadDocument(doc, root);
  }

  Status AddNdjson(std::string_view bytes, std::string_view file_name) {
    int64_t line_no = 1;
    return AddNdjsonLines(bytes, file_name, &line_no);
  }

  Status AddFile(const std::filesystem::path& path, bool in_folder) {
    const std::string name = path.filename().string();
    if (path.extension() == ".ndjson") return StreamNdjsonFile(path, name);
    auto bytes = internal::ReadWholeFile(path);
    if (!bytes.ok()) return bytes.status();
    return AddJson(*bytes, name, in_folder);
  }

  Status AddFolder(const std::filesystem::path& folder) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
      return NotFoundError(folder.string() + ": no such folder");
    }
    struct File {
      int priority;
      std::string name;
      std::filesystem::path path;
    };
    std::vector<File> files;
    for (auto it = std::filesystem::directory_iterator(folder, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      const std::filesystem::path& p = it->path();
      const std::string ext = p.extension().string();
      if (ext != ".ndjson" && ext != ".json") continue;
      std::error_code file_ec;
      if (!it->is_regular_file(file_ec)) continue;
      files.push_back(
          {FilePriority(p.filename().string()), p.filename().string(), p});
    }
    if (ec) {
      return IoError(folder.string() + ": cannot list: " + ec.message());
    }
    if (files.empty()) {
      return NotFoundError(folder.string() + ": no .ndjson or .json files");
    }
    std::sort(files.begin(), files.end(), [](const File& a, const File& b) {
      return std::tie(a.priority, a.name) < std::tie(b.priority, b.name);
    });
    for (const File& f : files) {
      if (f.name == "log.ndjson") {
        Warn(f.name +
             ": skipped (a Bulk Data client's export log, not "
             "FHIR resources)");
        continue;
      }
      JUMEAU_RETURN_IF_ERROR(AddFile(f.path, /*in_folder=*/true));
    }
    return Status::Ok();
  }

  FhirReadResult Finish() {
    if (sink_ == nullptr) ResolveLate();
    FhirReadResult out;
    out.patients = std::move(patients_);
    out.events = std::move(events_);
    for (auto& [type, n] : resources_by_type_) out.resources_by_type[type] = n;
    for (auto& [type, n] : skipped_by_type_) out.skipped_by_type[type] = n;
    // Converted entry by entry, each entry's counts freed as it goes.
    for (auto& [patient, entry] : patients_by_ref_) {
      if (entry.counts.empty()) continue;
      auto& dst = out.resources_by_patient[patient];
      for (const uint64_t c : entry.counts) {
        dst[std::string(kR4ResourceTypes[c >> PatientEntry::kTypeShift])] +=
            static_cast<int64_t>(c & PatientEntry::kCountMask);
      }
      std::vector<uint64_t>().swap(entry.counts);
    }
    patients_by_ref_.clear();
    // Unresolved subjects, counted from what was handed out.
    std::map<std::string, int64_t> unresolved;
    if (sink_ == nullptr) {
      for (const FhirEvent& e : out.events) {
        if (!e.patient_resolved && !e.patient_ref.empty()) {
          ++unresolved[e.event.origin];
        }
      }
    } else {
      unresolved = sink_unresolved_;
    }
    for (const auto& [type, n] : unresolved) {
      Warn(std::to_string(n) + " " + type +
           " events reference a subject that is not a Patient of the source "
           "(kept with the raw reference)");
    }
    for (const auto& [message, note] : notes_) {
      Warn(message + ": " + std::to_string(note.count) + " (first at " +
           note.first_where + ")");
    }
    out.warnings = std::move(warnings_);
    if (dropped_warnings_ > 0) {
      out.warnings.push_back(std::to_string(dropped_warnings_) +
                             " more warnings not shown");
    }
    return out;
  }

 private:
  // ---- Inputs.

  static int FilePriority(const std::string& name) {
    // Tokens of "Patient.000.ndjson", "1.Patient.ndjson".
    int priority = 2;
    size_t start = 0;
    while (start <= name.size()) {
      size_t end = name.find_first_of(".-_", start);
      if (end == std::string::npos) end = name.size();
      const std::string_view token(name.data() + start, end - start);
      if (token == "Patient") return 0;
      if (token == "Medication") priority = 1;
      start = end + 1;
    }
    return priority;
  }

  // Text without a leading UTF-8 byte order mark (simdjson refuses one;
  // Windows tools write it).
  static std::string_view WithoutBom(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
  }

  static bool IsBulkManifest(dom::element root) {
    dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) return false;
    dom::element e;
    return obj.at_key("resourceType").get(e) != simdjson::SUCCESS &&
           obj.at_key("transactionTime").get(e) == simdjson::SUCCESS &&
           obj.at_key("output").get(e) == simdjson::SUCCESS;
  }

  Status Parse(const DocText& doc, dom::element* root) {
    // realloc_if_needed: simdjson copies the bytes into its own padded
    // buffer (reused across calls), so `doc.text` needs no padding.
    // (An empty text never reaches simdjson, which would memcpy from null.)
    const auto error =
        doc.text.empty()
            ? simdjson::EMPTY
            : parser_.parse(doc.text.data(), doc.text.size(), true).get(*root);
    if (error == simdjson::SUCCESS) return Status::Ok();
    if (const auto syntax = internal::FindJsonSyntaxError(doc.text)) {
      return DataLossError(doc.WhereOffset(syntax->offset, syntax->pointer) +
                           ": " + syntax->reason);
    }
    if (error == simdjson::CAPACITY || error == simdjson::MEMALLOC) {
      return OutOfRangeError(doc.WhereOffset(0, "") +
                             ": document too large for the JSON parser (" +
                             simdjson::error_message(error) + ")");
    }
    return DataLossError(doc.WhereOffset(0, "") + ": malformed JSON (" +
                         simdjson::error_message(error) + ")");
  }

  Status AddNdjsonLines(std::string_view bytes, std::string_view file_name,
                        int64_t* line_no) {
    size_t pos = 0;
    while (pos < bytes.size()) {
      size_t end = bytes.find('\n', pos);
      if (end == std::string_view::npos) end = bytes.size();
      std::string_view line = bytes.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      JUMEAU_RETURN_IF_ERROR(AddNdjsonLine(line, file_name, *line_no));
      ++*line_no;
      pos = end + 1;
    }
    return Status::Ok();
  }

  Status AddNdjsonLine(std::string_view line, std::string_view file_name,
                       int64_t line_no) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      return Status::Ok();
    }
    const DocText doc{file_name, line_no == 1 ? WithoutBom(line) : line,
                      line_no};
    dom::element root;
    JUMEAU_RETURN_IF_ERROR(Parse(doc, &root));
    return ReadDocument(doc, root);
  }

  // Reads an NDJSON file a chunk at a time: memory holds one chunk plus the
  // longest line, never the whole file.
  Status StreamNdjsonFile(const std::filesystem::path& path,
                          const std::string& name) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      const int err = errno;
      if (err == ENOENT) return NotFoundError(path.string() + ": no such file");
      return IoError(path.string() + ": cannot open: " + std::strerror(err));
    }
    std::vector<char> buf;
    size_t used = 0;
    int64_t line_no = 1;
    Status status;
    while (status.ok()) {
      if (buf.size() < used + kNdjsonChunkBytes) {
        buf.resize(used + kNdjsonChunkBytes);
      }
      const size_t n = std::fread(buf.data() + used, 1, kNdjsonChunkBytes, f);
      used += n;
      const bool at_end = n < kNdjsonChunkBytes;
      if (at_end && std::ferror(f) != 0) {
        status = IoError(path.string() + ": read error");
        break;
      }
      const std::string_view data(buf.data(), used);
      const size_t last_newline = data.rfind('\n');
      const size_t complete =
          at_end
              ? used
              : (last_newline == std::string_view::npos ? 0 : last_newline + 1);
      status = AddNdjsonLines(data.substr(0, complete), name, &line_no);
      std::memmove(buf.data(), buf.data() + complete, used - complete);
      used -= complete;
      if (at_end) break;
    }
    std::fclose(f);
    return status;
  }

  // ---- Documents and resources.

  Status ReadDocument(const DocText& doc, dom::element root) {
    Json json(doc);
    const Loc root_loc;
    const auto obj = json.AsObject(root, root_loc);
    if (!obj) {
      return DataLossError(doc.Where(root_loc) +
                           ": expected a JSON object (a FHIR resource)");
    }
    return ReadResource(json, *obj, root_loc, nullptr, {}, 0);
  }

  // Reads resourceType and id and dispatches; `full_url` is the Bundle
  // entry's fullUrl ("" outside a bundle).
  Status ReadResource(Json& json, dom::object obj, const Loc& loc,
                      const BundleIndex* bundle, std::string_view full_url,
                      int bundle_depth) {
    const Loc type_loc(loc, "resourceType");
    const auto type_elem = json.Member(obj, type_loc);
    if (!type_elem) {
      json.Fail(loc, "missing resourceType");
      return json.status();
    }
    const auto type_str = json.AsString(*type_elem, type_loc);
    if (!type_str) return json.status();
    const std::string_view type = *type_str;
    if (!IsR4ResourceType(type)) {
      json.Fail(type_loc,
                "unknown FHIR R4 resourceType '" + Printable(type) + "'");
      return json.status();
    }
    std::string_view id = json.String(obj, Loc(loc, "id"));
    if (json.failed()) return json.status();
    if (id.empty() && !full_url.empty()) id = IdFromFullUrl(full_url);
    Count(&resources_by_type_, type);

    const Kind kind = KindOf(type);
    if (kind == Kind::kBundle) {
      return ReadBundle(json, obj, loc, bundle, bundle_depth);
    }
    if (kind == Kind::kPatient) {
      Attribute(std::string(id), type);
      return ReadPatient(json, obj, loc, id);
    }
    // The patient the resource is about: subject, else patient.
    ResourceCtx r{json, obj, loc, type, id, bundle};
    const bool strict = kind != Kind::kSkip;
    ResolveSubject(&r, strict);
    if (json.failed()) return json.status();
    if (kind != Kind::kMedication && !r.patient_ref.empty()) {
      Attribute(r.patient_ref, type);
    }
    if (kind != Kind::kSkip && kind != Kind::kMedication &&
        r.patient_ref.empty()) {
      Notice(std::string(type) + " resources naming no patient", json.doc(),
             loc);
    }
    switch (kind) {
      case Kind::kSkip:
        Count(&skipped_by_type_, type);
        return Status::Ok();
      case Kind::kMedication:
        return ReadMedication(r);
      case Kind::kObservation:
        return ReadObservation(r);
      case Kind::kCondition:
        return ReadCondition(r);
      case Kind::kMedicationRequest:
      case Kind::kMedicationStatement:
        return ReadMedicationUse(r, kind == Kind::kMedicationRequest);
      case Kind::kProcedure:
        return ReadSimple(r, "code", "performed", {});
      case Kind::kImmunization:
        return ReadSimple(r, "vaccineCode", "occurrence", "recorded");
      case Kind::kEncounter:
        return ReadEncounter(r);
      case Kind::kAllergyIntolerance:
        return ReadAllergy(r);
      case Kind::kDiagnosticReport:
        return ReadDiagnosticReport(r);
      case Kind::kDevice:
        return ReadDevice(r);
      case Kind::kBundle:
      case Kind::kPatient:
        break;
    }
    return Status::Ok();
  }

  Status ReadBundle(Json& json, dom::object obj, const Loc& loc,
                    const BundleIndex* parent, int depth) {
    if (depth >= kMaxBundleDepth) {
      json.Fail(loc, "Bundles nested more than " +
                         std::to_string(kMaxBundleDepth) + " deep");
      return json.status();
    }
    const Loc entries_loc(loc, "entry");
    const auto entries = json.Array(obj, entries_loc);
    if (json.failed()) return json.status();
    if (!entries) return Status::Ok();
    // First pass: index every entry by fullUrl and Type/id.
    BundleIndex index;
    index.parent = parent;
    std::vector<std::pair<std::string_view, bool>> full_urls;  // per entry
    int64_t i = 0;
    for (const dom::element e : *entries) {
      const Loc entry_loc(entries_loc, i++);
      const auto entry = json.AsObject(e, entry_loc);
      if (!entry) return json.status();
      const std::string_view full_url =
          json.String(*entry, Loc(entry_loc, "fullUrl"));
      const auto resource = json.Object(*entry, Loc(entry_loc, "resource"));
      if (json.failed()) return json.status();
      full_urls.emplace_back(full_url, resource.has_value());
      if (!resource) continue;
      BundleIndex::Entry info{{}, {}, *resource};
      dom::element v;
      if (resource->at_key("resourceType").get(v) == simdjson::SUCCESS) {
        if (v.get_string().get(info.type) != simdjson::SUCCESS) info.type = {};
      }
      if (resource->at_key("id").get(v) == simdjson::SUCCESS) {
        if (v.get_string().get(info.id) != simdjson::SUCCESS) info.id = {};
      }
      if (info.id.empty() && !full_url.empty()) {
        info.id = IdFromFullUrl(full_url);
      }
      const size_t k = index.entries.size();
      index.entries.push_back(info);
      if (!full_url.empty()) index.by_full_url.emplace(full_url, k);
      if (!info.type.empty() && !info.id.empty()) {
        index.by_type_id.emplace(TypeIdKey(info.type, info.id), k);
      }
      if (info.type == "Patient" && !full_url.empty() && !info.id.empty()) {
        patient_by_full_url_[std::string(full_url)] = std::string(info.id);
      }
    }
    // Second pass: read each entry's resource.
    i = 0;
    for (const dom::element e : *entries) {
      const Loc entry_loc(entries_loc, i);
      const auto& [full_url, has_resource] = full_urls[static_cast<size_t>(i)];
      ++i;
      if (!has_resource) {
        Notice("Bundle entries without a resource (skipped)", json.doc(),
               entry_loc);
        continue;
      }
      // Both were checked in the first pass.
      dom::object entry, resource;
      if (e.get_object().get(entry) != simdjson::SUCCESS ||
          entry.at_key("resource").get_object().get(resource) !=
              simdjson::SUCCESS) {
        continue;
      }
      const Loc resource_loc(entry_loc, "resource");
      JUMEAU_RETURN_IF_ERROR(ReadResource(json, resource, resource_loc, &index,
                                          full_url, depth + 1));
    }
    return Status::Ok();
  }

  // ---- Patients and references.

  Status ReadPatient(Json& json, dom::object obj, const Loc& loc,
                     std::string_view id) {
    FhirPatient p;
    p.resource_id = std::string(id);
    if (id.empty()) {
      Notice("Patients without an id (cannot be referenced)", json.doc(), loc);
    }
    const Loc ids_loc(loc, "identifier");
    if (const auto ids = json.Array(obj, ids_loc)) {
      int64_t i = 0;
      for (const dom::element e : *ids) {
        const Loc item(ids_loc, i++);
        const auto ident = json.AsObject(e, item);
        if (!ident) break;
        const std::string_view value = json.String(*ident, Loc(item, "value"));
        const std::string_view system =
            json.String(*ident, Loc(item, "system"));
        if (value.empty()) continue;
        std::string s;
        s.reserve(system.size() + 1 + value.size());
        s.append(system).push_back('|');
        s.append(value);
        p.identifiers.push_back(std::move(s));
      }
    }
    const Loc birth_loc(loc, "birthDate");
    if (const auto e = json.Member(obj, birth_loc)) {
      if (const auto s = json.AsString(*e, birth_loc)) {
        const auto date = ParseFhirDate(*s, /*allow_time=*/false);
        if (!date) {
          json.Fail(birth_loc, kDateExpected);
        } else {
          p.birth_date = date->civil;
          p.birth_date_precision = date->precision;
        }
      }
    }
    p.gender = std::string(json.String(obj, Loc(loc, "gender")));
    if (const auto deceased = FindChoice(obj, "deceased")) {
      const Loc d_loc(loc, deceased->key);
      if (deceased->suffix == "Boolean") {
        p.deceased = json.AsBool(deceased->value, d_loc).value_or(false);
      } else if (deceased->suffix == "DateTime") {
        p.deceased = true;
        if (const auto t = ReadDateTime(json, deceased->value, d_loc)) {
          p.deceased_time = t->time;
          p.deceased_precision = t->precision;
        }
      }
    }
    if (json.failed()) return json.status();
    if (!p.resource_id.empty()) Entry(p.resource_id).known = true;
    if (sink_ != nullptr) return sink_->OnPatient(std::move(p));
    patients_.push_back(std::move(p));
    return Status::Ok();
  }

  // The Patient id `ref` designates, or nullopt.
  std::optional<std::string> ResolvePatient(std::string_view ref,
                                            const BundleIndex* bundle) const {
    if (bundle != nullptr) {
      if (const BundleIndex::Entry* e = bundle->Find(ref)) {
        if (e->type == "Patient" && !e->id.empty()) return std::string(e->id);
        return std::nullopt;
      }
    }
    if (const auto it = patient_by_full_url_.find(std::string(ref));
        it != patient_by_full_url_.end()) {
      return it->second;
    }
    if (const auto split = SplitReference(ref)) {
      if (split->first == "Patient" && IsKnownPatient(split->second)) {
        return std::string(split->second);
      }
    }
    return std::nullopt;
  }

  // Sets r->patient_ref from subject (else patient). With !strict (resource
  // types we skip) a malformed reference is ignored instead of failing.
  void ResolveSubject(ResourceCtx* r, bool strict) {
    std::string_view ref;
    for (const std::string_view member : {"subject", "patient"}) {
      dom::element e;
      if (r->obj.at_key(member).get(e) != simdjson::SUCCESS ||
          e.type() == dom::element_type::NULL_VALUE) {
        continue;
      }
      if (strict) {
        const Loc m_loc(r->loc, member);
        const auto o = r->json.AsObject(e, m_loc);
        if (!o) return;
        ref = r->json.String(*o, Loc(m_loc, "reference"));
      } else {
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) continue;
        dom::element v;
        if (o.at_key("reference").get(v) == simdjson::SUCCESS &&
            v.get_string().get(ref) != simdjson::SUCCESS) {
          ref = {};
        }
      }
      break;
    }
    if (ref.empty()) return;
    if (auto id = ResolvePatient(ref, r->bundle)) {
      r->patient_ref = std::move(*id);
      r->patient_resolved = true;
    } else {
      r->patient_ref = std::string(ref);
    }
  }

  // ---- Times.

  std::optional<FhirTime> ReadDateTime(Json& json, dom::element e,
                                       const Loc& loc) {
    const auto s = json.AsString(e, loc);
    if (!s) return std::nullopt;
    const auto date = ParseFhirDate(*s, /*allow_time=*/true);
    if (!date) {
      json.Fail(loc, kDateTimeExpected);
      return std::nullopt;
    }
    const auto t = InstantOf(*date);
    if (!t) {
      Notice("times outside the years 1678..2261 (dropped)", json.doc(), loc);
      return std::nullopt;
    }
    return FhirTime{*t, date->precision};
  }

  std::optional<FhirTime> ReadDateTimeMember(Json& json, dom::object obj,
                                             const Loc& loc) {
    const auto e = json.Member(obj, loc);
    return e ? ReadDateTime(json, *e, loc) : std::nullopt;
  }

  // start and end of a Period.
  std::pair<std::optional<FhirTime>, std::optional<FhirTime>> ReadPeriod(
      Json& json, dom::element e, const Loc& loc) {
    const auto period = json.AsObject(e, loc);
    if (!period) return {};
    return {ReadDateTimeMember(json, *period, Loc(loc, "start")),
            ReadDateTimeMember(json, *period, Loc(loc, "end"))};
  }

  // Fills ev's time (and end) from the choice element prefix[x] (DateTime,
  // Instant, Period); then from `fallback` (a dateTime member). Returns
  // false when no usable time was found.
  bool ReadWhen(ResourceCtx& r, std::string_view prefix,
                std::string_view fallback, FhirEvent* ev) {
    std::optional<FhirTime> start, end;
    if (!prefix.empty()) {
      if (const auto choice = FindChoice(r.obj, prefix)) {
        const Loc c_loc(r.loc, choice->key);
        if (choice->suffix == "DateTime" || choice->suffix == "Instant") {
          start = ReadDateTime(r.json, choice->value, c_loc);
        } else if (choice->suffix == "Period") {
          std::tie(start, end) = ReadPeriod(r.json, choice->value, c_loc);
          if (!start) std::swap(start, end);
        }
      }
    }
    if (!start && !fallback.empty()) {
      start = ReadDateTimeMember(r.json, r.obj, Loc(r.loc, fallback));
    }
    if (!start) return false;
    ev->event.time = start->time;
    ev->event.time_precision = start->precision;
    if (end) {
      ev->event.end = end->time;
      ev->end_precision = end->precision;
    }
    return true;
  }

  // ---- Events.

  FhirEvent NewEvent(const ResourceCtx& r) {
    FhirEvent ev;
    ev.patient_ref = r.patient_ref;
    ev.patient_resolved = r.patient_resolved;
    ev.event.origin = std::string(r.type);
    ev.event.source_ref = ev.event.origin + "/" + std::string(r.id);
    return ev;
  }

  Status Emit(ResourceCtx& r, FhirEvent ev) {
    if (ev.event.code.code.empty()) {
      ev.event.code = Code{fhir_code_system::kUncoded, std::string(r.type),
                           std::string(r.type)};
      Notice(std::string(r.type) +
                 " events without a code (code = the "
                 "resource type)",
             r.json.doc(), r.loc);
    }
    if (sink_ != nullptr) {
      if (!ev.patient_resolved && !ev.patient_ref.empty()) {
        ++sink_unresolved_[ev.event.origin];
      }
      return sink_->OnEvent(std::move(ev));
    }
    events_.push_back(std::move(ev));
    return Status::Ok();
  }

  Status NoTime(ResourceCtx& r) {
    if (r.json.failed()) return r.json.status();
    Notice(std::string(r.type) + " resources without a usable time (no event)",
           r.json.doc(), r.loc);
    return Status::Ok();
  }

  // A Quantity: the unit's UCUM code and the value as written.
  struct Quantity {
    std::optional<double> value;
    std::string ucum;         // UCUM code (mapped when not UCUM-coded)
    std::string source_unit;  // as written: UCUM code, else the unit text
    std::string_view comparator;
  };

  Quantity ReadQuantity(Json& json, dom::object q, const Loc& loc) {
    Quantity out;
    out.value = json.Number(q, Loc(loc, "value"));
    const std::string_view unit = json.String(q, Loc(loc, "unit"));
    const std::string_view system = json.String(q, Loc(loc, "system"));
    const std::string_view code = json.String(q, Loc(loc, "code"));
    out.comparator = json.String(q, Loc(loc, "comparator"));
    if (system == code_system::kUcum && !code.empty()) {
      out.ucum = std::string(code);
      out.source_unit = std::string(code);
    } else {
      const std::string_view text = unit.empty() ? code : unit;
      out.source_unit = std::string(text);
      out.ucum = ToUcum(text);
      if (!out.ucum.empty() && out.ucum.front() == '{' &&
          UcumConversionKnowsUnit(text)) {
        out.ucum = std::string(text);
      }
    }
    return out;
  }

  // Keeps the quantity as the source wrote it (`value` in `unit`) in e's
  // source_value/source_unit when e's value or unit differ from it, that is
  // when they hold a conversion or a mapped unit; otherwise leaves them
  // unset. REQUIRES: e's value and unit are final.
  static void KeepSourceQuantity(double value, std::string_view unit,
                                 Event* e) {
    if (e->value && *e->value == value && e->unit == unit) return;
    e->source_value = value;
    e->source_unit = std::string(unit);
  }

  // Sets ev's value from a Quantity, converting to the canonical unit.
  void ApplyQuantity(const Quantity& q, std::string_view analyte,
                     FhirEvent* ev) {
    ev->event.text = std::string(q.comparator);
    ev->event.unit = q.ucum;
    if (!q.value) return;
    if (const auto c = ToCanonicalUcum(analyte, *q.value, q.ucum)) {
      ev->event.value = c->value;
      ev->event.unit = std::string(c->unit);
    } else {
      ev->event.value = q.value;
    }
    KeepSourceQuantity(*q.value, q.source_unit, &ev->event);
  }

  // value[x] of an Observation or component into ev. Returns the UCUM code
  // of a Quantity's source unit ("" for other values).
  std::string ReadValue(Json& json, dom::object obj, const Loc& loc,
                        std::string_view analyte, FhirEvent* ev) {
    const auto choice = FindChoice(obj, "value");
    if (!choice) {
      const auto absent =
          ReadCodeableConceptMember(json, obj, Loc(loc, "dataAbsentReason"));
      if (absent) ev->event.text = absent->display;
      return {};
    }
    const Loc v_loc(loc, choice->key);
    const std::string_view s = choice->suffix;
    if (s == "Quantity") {
      if (const auto q = json.AsObject(choice->value, v_loc)) {
        Quantity quantity = ReadQuantity(json, *q, v_loc);
        ApplyQuantity(quantity, analyte, ev);
        return std::move(quantity.ucum);
      }
    } else if (s == "CodeableConcept") {
      if (const auto cc = json.AsObject(choice->value, v_loc)) {
        ev->event.value_code = ReadCodeableConcept(json, *cc, v_loc);
        if (ev->event.value_code) {
          ev->event.text = ev->event.value_code->display;
        }
      }
    } else if (s == "String" || s == "DateTime" || s == "Time") {
      ev->event.text =
          std::string(json.AsString(choice->value, v_loc).value_or(""));
    } else if (s == "Boolean") {
      if (const auto b = json.AsBool(choice->value, v_loc)) {
        ev->event.value = *b ? 1.0 : 0.0;
        ev->event.unit = "{Boolean}";
        ev->event.text = *b ? "true" : "false";
      }
    } else if (s == "Integer") {
      if (const auto n = json.AsInteger(choice->value, v_loc)) {
        ev->event.value = static_cast<double>(*n);
        ev->event.unit = "1";
        // The source gave no unit: kept as written (value, unit "").
        KeepSourceQuantity(*ev->event.value, "", &ev->event);
      }
    } else {
      Notice("Observation values of type value" + std::string(s) +
                 " not read (event kept without value)",
             json.doc(), v_loc);
    }
    return {};
  }

  // referenceRange[0] of obj into ev: low and high converted to ev's unit
  // (a bound without a unit is in `value_ucum`, the value's source unit).
  void ReadReferenceRange(Json& json, dom::object obj, const Loc& loc,
                          std::string_view analyte, std::string_view value_ucum,
                          FhirEvent* ev) {
    const Loc ranges_loc(loc, "referenceRange");
    const auto ranges = json.Array(obj, ranges_loc);
    dom::element first_elem;
    if (!ranges || ranges->at(0).get(first_elem) != simdjson::SUCCESS) return;
    const Loc first_loc(ranges_loc, 0);
    const auto range = json.AsObject(first_elem, first_loc);
    if (!range) return;
    ev->reference_text =
        std::string(json.String(*range, Loc(first_loc, "text")));
    const auto bound = [&](std::string_view member) -> std::optional<double> {
      const Loc b_loc(first_loc, member);
      const auto q = json.Object(*range, b_loc);
      if (!q) return std::nullopt;
      const Quantity bq = ReadQuantity(json, *q, b_loc);
      if (!bq.value) return std::nullopt;
      if (ev->event.unit.empty()) return bq.value;
      const std::string_view from =
          bq.source_unit.empty() ? value_ucum : std::string_view(bq.ucum);
      return ConvertUcum(analyte, *bq.value, from, ev->event.unit);
    };
    ev->event.reference_low = bound("low");
    ev->event.reference_high = bound("high");
  }

  Status ReadObservation(ResourceCtx& r) {
    Json& json = r.json;
    FhirEvent base = NewEvent(r);
    base.event.status = std::string(json.String(r.obj, Loc(r.loc, "status")));
    const bool timed = ReadWhen(r, "effective", "issued", &base);
    if (!timed) return NoTime(r);
    const auto code =
        ReadCodeableConceptMember(json, r.obj, Loc(r.loc, "code"));
    const Loc comps_loc(r.loc, "component");
    const auto components = json.Array(r.obj, comps_loc);
    if (json.failed()) return json.status();
    const bool has_value = FindChoice(r.obj, "value").has_value();
    if (has_value || !components || components->size() == 0) {
      FhirEvent ev = base;
      if (code) ev.event.code = *code;
      const std::string_view analyte =
          code && code->system == code_system::kLoinc
              ? std::string_view(code->code)
              : std::string_view();
      const std::string ucum = ReadValue(json, r.obj, r.loc, analyte, &ev);
      ReadReferenceRange(json, r.obj, r.loc, analyte, ucum, &ev);
      if (json.failed()) return json.status();
      JUMEAU_RETURN_IF_ERROR(Emit(r, std::move(ev)));
    }
    if (!components) return Status::Ok();
    int64_t i = 0;
    for (const dom::element e : *components) {
      const Loc c_loc(comps_loc, i);
      const auto comp = json.AsObject(e, c_loc);
      if (!comp) return json.status();
      FhirEvent ev = base;
      ev.component = static_cast<int>(i);
      ++i;
      const auto c_code =
          ReadCodeableConceptMember(json, *comp, Loc(c_loc, "code"));
      if (c_code) ev.event.code = *c_code;
      const std::string_view analyte =
          c_code && c_code->system == code_system::kLoinc
              ? std::string_view(c_code->code)
              : std::string_view();
      const std::string ucum = ReadValue(json, *comp, c_loc, analyte, &ev);
      ReadReferenceRange(json, *comp, c_loc, analyte, ucum, &ev);
      if (json.failed()) return json.status();
      JUMEAU_RETURN_IF_ERROR(Emit(r, std::move(ev)));
    }
    return Status::Ok();
  }

  // The status code of a CodeableConcept member (clinicalStatus).
  std::string StatusCode(ResourceCtx& r, std::string_view member) {
    const auto c = ReadCodeableConceptMember(r.json, r.obj, Loc(r.loc, member));
    return c ? c->code : std::string();
  }

  Status ReadCondition(ResourceCtx& r) {
    FhirEvent ev = NewEvent(r);
    ev.event.status = StatusCode(r, "clinicalStatus");
    if (!ReadWhen(r, "onset", "recordedDate", &ev)) return NoTime(r);
    if (const auto abatement = FindChoice(r.obj, "abatement")) {
      const Loc a_loc(r.loc, abatement->key);
      std::optional<FhirTime> end;
      if (abatement->suffix == "DateTime") {
        end = ReadDateTime(r.json, abatement->value, a_loc);
      } else if (abatement->suffix == "Period") {
        auto [s, e] = ReadPeriod(r.json, abatement->value, a_loc);
        end = e ? e : s;
      }
      if (end) {
        ev.event.end = end->time;
        ev.end_precision = end->precision;
      }
    }
    if (auto code =
            ReadCodeableConceptMember(r.json, r.obj, Loc(r.loc, "code"))) {
      ev.event.code = std::move(*code);
    }
    if (r.json.failed()) return r.json.status();
    return Emit(r, std::move(ev));
  }

  // A Procedure or Immunization: code, time from prefix[x] else fallback.
  Status ReadSimple(ResourceCtx& r, std::string_view code_member,
                    std::string_view time_prefix, std::string_view fallback) {
    FhirEvent ev = NewEvent(r);
    ev.event.status = std::string(r.json.String(r.obj, Loc(r.loc, "status")));
    if (!ReadWhen(r, time_prefix, fallback, &ev)) return NoTime(r);
    if (auto code =
            ReadCodeableConceptMember(r.json, r.obj, Loc(r.loc, code_member))) {
      ev.event.code = std::move(*code);
    }
    if (r.json.failed()) return r.json.status();
    return Emit(r, std::move(ev));
  }

  Status ReadEncounter(ResourceCtx& r) {
    Json& json = r.json;
    FhirEvent ev = NewEvent(r);
    ev.event.status = std::string(json.String(r.obj, Loc(r.loc, "status")));
    const Loc period_loc(r.loc, "period");
    if (const auto period = json.Member(r.obj, period_loc)) {
      auto [start, end] = ReadPeriod(json, *period, period_loc);
      if (!start) std::swap(start, end);
      if (start) {
        ev.event.time = start->time;
        ev.event.time_precision = start->precision;
      }
      if (end) {
        ev.event.end = end->time;
        ev.end_precision = end->precision;
      }
      if (!start) return NoTime(r);
    } else {
      return NoTime(r);
    }
    const Loc class_loc(r.loc, "class");
    if (const auto cls = json.Object(r.obj, class_loc)) {
      ev.event.value_code = ReadCoding(json, *cls, class_loc);
      if (ev.event.value_code) ev.event.text = ev.event.value_code->code;
    }
    const Loc types_loc(r.loc, "type");
    if (const auto types = json.Array(r.obj, types_loc)) {
      int64_t i = 0;
      for (const dom::element e : *types) {
        const Loc t_loc(types_loc, i++);
        const auto cc = json.AsObject(e, t_loc);
        if (!cc) break;
        if (auto code = ReadCodeableConcept(json, *cc, t_loc)) {
          ev.event.code = std::move(*code);
          break;
        }
      }
    }
    if (ev.event.code.code.empty() && ev.event.value_code) {
      ev.event.code = *ev.event.value_code;
    }
    if (json.failed()) return json.status();
    return Emit(r, std::move(ev));
  }

  Status ReadAllergy(ResourceCtx& r) {
    Json& json = r.json;
    FhirEvent ev = NewEvent(r);
    ev.event.status = StatusCode(r, "clinicalStatus");
    if (!ReadWhen(r, "onset", "recordedDate", &ev)) {
      const Loc last_loc(r.loc, "lastOccurrence");
      const auto last = ReadDateTimeMember(json, r.obj, last_loc);
      if (!last) return NoTime(r);
      ev.event.time = last->time;
      ev.event.time_precision = last->precision;
    }
    if (auto code =
            ReadCodeableConceptMember(json, r.obj, Loc(r.loc, "code"))) {
      ev.event.code = std::move(*code);
    }
    ev.event.text = std::string(json.String(r.obj, Loc(r.loc, "criticality")));
    const Loc reactions_loc(r.loc, "reaction");
    dom::element e;
    if (const auto reactions = json.Array(r.obj, reactions_loc);
        reactions && reactions->at(0).get(e) == simdjson::SUCCESS) {
      const Loc first(reactions_loc, 0);
      if (const auto reaction = json.AsObject(e, first)) {
        const Loc m_loc(first, "manifestation");
        if (const auto ms = json.Array(*reaction, m_loc);
            ms && ms->at(0).get(e) == simdjson::SUCCESS) {
          const Loc m0(m_loc, 0);
          if (const auto cc = json.AsObject(e, m0)) {
            ev.event.value_code = ReadCodeableConcept(json, *cc, m0);
          }
        }
      }
    }
    if (json.failed()) return json.status();
    return Emit(r, std::move(ev));
  }

  Status ReadMedication(ResourceCtx& r) {
    if (auto code =
            ReadCodeableConceptMember(r.json, r.obj, Loc(r.loc, "code"))) {
      if (!r.id.empty()) {
        medications_[TypeIdKey("Medication", r.id)] = std::move(*code);
      }
    }
    return r.json.status();
  }

  // The code of medication[x]: a CodeableConcept, or a reference to a
  // Medication (contained, in the bundle, or read earlier).
  std::optional<Code> ReadMedicationCode(ResourceCtx& r) {
    Json& json = r.json;
    const auto choice = FindChoice(r.obj, "medication");
    if (!choice) return std::nullopt;
    const Loc m_loc(r.loc, choice->key);
    if (choice->suffix == "CodeableConcept") {
      const auto cc = json.AsObject(choice->value, m_loc);
      return cc ? ReadCodeableConcept(json, *cc, m_loc) : std::nullopt;
    }
    if (choice->suffix != "Reference") return std::nullopt;
    const auto ref_obj = json.AsObject(choice->value, m_loc);
    if (!ref_obj) return std::nullopt;
    const std::string_view ref = json.String(*ref_obj, Loc(m_loc, "reference"));
    if (ref.empty()) return std::nullopt;
    // Contained: "#id".
    if (ref.front() == '#') {
      const Loc contained_loc(r.loc, "contained");
      if (const auto contained = json.Array(r.obj, contained_loc)) {
        int64_t i = 0;
        for (const dom::element e : *contained) {
          const Loc c_loc(contained_loc, i++);
          const auto c = json.AsObject(e, c_loc);
          if (!c) return std::nullopt;
          if (json.String(*c, Loc(c_loc, "id")) == ref.substr(1)) {
            return ReadCodeableConceptMember(json, *c, Loc(c_loc, "code"));
          }
        }
      }
    } else if (r.bundle != nullptr) {
      if (const BundleIndex::Entry* e = r.bundle->Find(ref);
          e != nullptr && e->type == "Medication") {
        // Read without failing: errors in that entry are reported when the
        // entry itself is read.
        Json side(json.doc());
        return ReadCodeableConceptMember(side, e->resource, Loc(Loc(), "code"));
      }
    }
    if (const auto split = SplitReference(ref)) {
      const auto it = medications_.find(TypeIdKey(split->first, split->second));
      if (it != medications_.end()) return it->second;
    }
    Notice("medication references not resolved (code = the reference)",
           json.doc(), m_loc);
    return Code{fhir_code_system::kReference, std::string(ref),
                std::string(json.String(*ref_obj, Loc(m_loc, "display")))};
  }

  Status ReadMedicationUse(ResourceCtx& r, bool request) {
    FhirEvent ev = NewEvent(r);
    ev.event.status = std::string(r.json.String(r.obj, Loc(r.loc, "status")));
    const bool timed = request ? ReadWhen(r, {}, "authoredOn", &ev)
                               : ReadWhen(r, "effective", "dateAsserted", &ev);
    if (!timed) return NoTime(r);
    if (auto code = ReadMedicationCode(r)) ev.event.code = std::move(*code);
    if (r.json.failed()) return r.json.status();
    return Emit(r, std::move(ev));
  }

  Status ReadDiagnosticReport(ResourceCtx& r) {
    Json& json = r.json;
    FhirEvent ev = NewEvent(r);
    ev.event.status = std::string(json.String(r.obj, Loc(r.loc, "status")));
    if (!ReadWhen(r, "effective", "issued", &ev)) return NoTime(r);
    if (auto code =
            ReadCodeableConceptMember(json, r.obj, Loc(r.loc, "code"))) {
      ev.event.code = std::move(*code);
    }
    ev.event.text = std::string(json.String(r.obj, Loc(r.loc, "conclusion")));
    const Loc results_loc(r.loc, "result");
    if (const auto results = json.Array(r.obj, results_loc)) {
      int64_t i = 0;
      for (const dom::element e : *results) {
        const Loc item(results_loc, i++);
        const auto ref_obj = json.AsObject(e, item);
        if (!ref_obj) break;
        const std::string_view ref =
            json.String(*ref_obj, Loc(item, "reference"));
        if (ref.empty()) continue;
        const BundleIndex::Entry* target =
            r.bundle != nullptr ? r.bundle->Find(ref) : nullptr;
        if (target != nullptr && !target->type.empty() && !target->id.empty()) {
          ev.related.push_back(TypeIdKey(target->type, target->id));
        } else if (const auto split = SplitReference(ref)) {
          ev.related.push_back(TypeIdKey(split->first, split->second));
        } else {
          ev.related.push_back(std::string(ref));
        }
      }
    }
    if (json.failed()) return json.status();
    return Emit(r, std::move(ev));
  }

  Status ReadDevice(ResourceCtx& r) {
    Json& json = r.json;
    FhirEvent ev = NewEvent(r);
    ev.event.status = std::string(json.String(r.obj, Loc(r.loc, "status")));
    if (!ReadWhen(r, {}, "manufactureDate", &ev)) return NoTime(r);
    if (const auto end =
            ReadDateTimeMember(json, r.obj, Loc(r.loc, "expirationDate"))) {
      ev.event.end = end->time;
      ev.end_precision = end->precision;
    }
    if (auto code =
            ReadCodeableConceptMember(json, r.obj, Loc(r.loc, "type"))) {
      ev.event.code = std::move(*code);
    }
    const Loc names_loc(r.loc, "deviceName");
    dom::element first;
    if (const auto names = json.Array(r.obj, names_loc);
        names && names->at(0).get(first) == simdjson::SUCCESS) {
      const Loc n0(names_loc, 0);
      if (const auto name = json.AsObject(first, n0)) {
        ev.event.text = std::string(json.String(*name, Loc(n0, "name")));
      }
    }
    if (json.failed()) return json.status();
    return Emit(r, std::move(ev));
  }

  // ---- Bookkeeping.

  using Counts = std::map<std::string, int64_t, std::less<>>;

  static void Count(Counts* counts, std::string_view type) {
    auto it = counts->find(type);
    if (it == counts->end()) it = counts->emplace(std::string(type), 0).first;
    ++it->second;
  }

  PatientEntry& Entry(std::string_view patient) {
    auto it = patients_by_ref_.find(patient);
    if (it == patients_by_ref_.end()) {
      it = patients_by_ref_.emplace(std::string(patient), PatientEntry()).first;
    }
    return it->second;
  }

  bool IsKnownPatient(std::string_view id) const {
    const auto it = patients_by_ref_.find(id);
    return it != patients_by_ref_.end() && it->second.known;
  }

  // Counts a resource of `type` (an R4 type) for `patient`.
  void Attribute(std::string_view patient, std::string_view type) {
    if (!options_.count_by_patient) return;
    Entry(patient).Add(R4TypeIndex(type), 1);
  }

  void Warn(std::string message) {
    if (warnings_.size() >= kMaxWarnings) {
      ++dropped_warnings_;
      return;
    }
    warnings_.push_back(std::move(message));
  }

  void Notice(const std::string& message, const DocText& doc, const Loc& loc) {
    Note& note = notes_[message];
    if (note.count++ == 0) note.first_where = doc.Where(loc);
  }

  // Collecting: events and per-patient counts whose subject appeared later
  // in the input than they did.
  void ResolveLate() {
    for (FhirEvent& e : events_) {
      if (e.patient_resolved || e.patient_ref.empty()) continue;
      if (auto id = ResolvePatient(e.patient_ref, nullptr)) {
        e.patient_ref = std::move(*id);
        e.patient_resolved = true;
      }
    }
    std::vector<std::string> late;
    for (const auto& [key, entry] : patients_by_ref_) {
      if (entry.known || entry.counts.empty()) continue;
      if (ResolvePatient(key, nullptr)) late.push_back(key);
    }
    for (const std::string& key : late) {
      const std::string id = *ResolvePatient(key, nullptr);
      const auto it = patients_by_ref_.find(key);
      const std::vector<uint64_t> moved = std::move(it->second.counts);
      patients_by_ref_.erase(it);
      PatientEntry& dst = Entry(id);
      for (const uint64_t c : moved) {
        dst.Add(static_cast<uint8_t>(c >> PatientEntry::kTypeShift),
                c & PatientEntry::kCountMask);
      }
    }
  }

  FhirSink* sink_ = nullptr;
  FhirReaderOptions options_;
  dom::parser parser_;
  std::vector<FhirPatient> patients_;
  std::vector<FhirEvent> events_;
  Counts resources_by_type_;
  Counts skipped_by_type_;
  // By patient reference (a Patient id, else the reference as written):
  // whether a Patient of that id was read, and the resources counted for it
  // (options_.count_by_patient). The known Patient ids are what resolving
  // references across files needs: this table grows with the number of
  // patients (~150 bytes each, ~250 with their counts), not of resources.
  std::unordered_map<std::string, PatientEntry, StringHash, std::equal_to<>>
      patients_by_ref_;
  // Patient fullUrls of bundles read so far.
  std::unordered_map<std::string, std::string> patient_by_full_url_;
  // Medication codes read so far, by "Medication/id".
  std::unordered_map<std::string, Code> medications_;
  std::map<std::string, int64_t> sink_unresolved_;
  std::map<std::string, Note> notes_;
  std::vector<std::string> warnings_;
  int64_t dropped_warnings_ = 0;
};

FhirReader::FhirReader(FhirSink* sink) : FhirReader(sink, FhirReaderOptions()) {}

FhirReader::FhirReader(FhirSink* sink, const FhirReaderOptions& options)
    : impl_(new Impl(sink, options)) {}
FhirReader::~FhirReader() = default;

Status FhirReader::AddJson(std::string_view bytes, std::string_view file_name) {
  return impl_->AddJson(bytes, file_name, /*in_folder=*/false);
}

Status FhirReader::AddNdjson(std::string_view bytes,
                             std::string_view file_name) {
  return impl_->AddNdjson(bytes, file_name);
}

Status FhirReader::AddFile(const std::filesystem::path& path) {
  return impl_->AddFile(path, /*in_folder=*/false);
}

Status FhirReader::AddFolder(const std::filesystem::path& folder) {
  return impl_->AddFolder(folder);
}

FhirReadResult FhirReader::Finish() { return impl_->Finish(); }

Result<FhirReadResult> ReadFhirJson(std::string_view bytes,
                                    std::string_view file_name) {
  FhirReader reader;
  JUMEAU_RETURN_IF_ERROR(reader.AddJson(bytes, file_name));
  return reader.Finish();
}

Result<FhirReadResult> ReadFhirNdjson(std::string_view bytes,
                                      std::string_view file_name) {
  FhirReader reader;
  JUMEAU_RETURN_IF_ERROR(reader.AddNdjson(bytes, file_name));
  return reader.Finish();
}

namespace {

Result<FhirReadResult> ReadPath(const std::filesystem::path& path,
                                FhirSink* sink) {
  FhirReader reader(sink);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    JUMEAU_RETURN_IF_ERROR(reader.AddFolder(path));
  } else {
    JUMEAU_RETURN_IF_ERROR(reader.AddFile(path));
  }
  return reader.Finish();
}

}  // namespace

Result<FhirReadResult> ReadFhir(const std::filesystem::path& path_or_folder) {
  return ReadPath(path_or_folder, nullptr);
}

Result<FhirReadResult> ReadFhir(const std::filesystem::path& path_or_folder,
                                FhirSink& sink) {
  return ReadPath(path_or_folder, &sink);
}

}  // namespace jumeau::io
