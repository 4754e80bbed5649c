// FHIR R4 resources built from the store: Patient, Observation,
// RiskAssessment (read and search only).
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "jumeau/derive/twin.h"
#include "jumeau/server/internal/fhir.h"

namespace jumeau::server::internal {
namespace {

using nlohmann::json;

constexpr char kAnalysisSystem[] = "urn:jumeau:analysis";
constexpr char kTwinOutputSystem[] = "urn:jumeau:twin-output";
constexpr char kUcum[] = "http://unitsofmeasure.org";

bool IsRiskCode(const Code& c) {
  return c.system == kAnalysisSystem &&
         (c.code == "SCORE2" || c.code == "Framingham-2008-CVD");
}

// A date search value's period [from, to): "2019" is the whole year.
Result<std::pair<Time, Time>> DatePeriod(std::string_view text) {
  auto number = [&](size_t at, size_t len, int* out) {
    if (text.size() < at + len) return false;
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + len, *out);
    return ec == std::errc() && p == text.data() + at + len;
  };
  CivilTime c{};
  c.month = 1;
  c.day = 1;
  const auto bad = InvalidArgumentError(
      "parameter 'date': '" + std::string(text) +
      "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)");
  if (!number(0, 4, &c.year)) return bad;
  if (text.size() == 4) {
    CivilTime next = c;
    next.year += 1;
    return std::make_pair(FromCivil(c), FromCivil(next));
  }
  if (text.size() == 7 && text[4] == '-' && number(5, 2, &c.month)) {
    if (!ValidCivil(c)) return bad;
    CivilTime next = c;
    if (++next.month > 12) {
      next.month = 1;
      ++next.year;
    }
    return std::make_pair(FromCivil(c), FromCivil(next));
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      number(5, 2, &c.month) && number(8, 2, &c.day)) {
    if (!ValidCivil(c)) return bad;
    const Time t = FromCivil(c);
    return std::make_pair(t, t + Duration::Days(1));
  }
  auto t = ParseIso8601(text);
  if (!t.ok()) return bad;
  return std::make_pair(*t, *t + Duration::Nanoseconds(1));
}

json Subject(const store::PatientInfo& p) {
  return {{"reference", "Patient/" + p.pseudonym}};
}

json Bundle(const json& entries) {
  json b = {{"resourceType", "Bundle"},
            {"type", "searchset"},
            {"total", entries.size()},
            {"entry", entries}};
  return b;
}

json Entry(const json& resource) {
  return {{"fullUrl", std::string(resource["resourceType"]) + "/" +
                          std::string(resource["id"])},
          {"resource", resource},
          {"search", {{"mode", "match"}}}};
}

Response FhirJson(const json& j) {
  Response r = Json(j);
  r.content_type = "application/fhir+json";
  return r;
}

}  // namespace

Result<Response> FhirPatient(const Caller& caller,
                             const store::PatientInfo& patient) {
  json j = {{"resourceType", "Patient"},
            {"id", patient.pseudonym},
            {"meta", {{"tag", {{{"system", "urn:jumeau:pseudonym"},
                                {"code", "pseudonymised"}}}}}}};
  const std::string birth = BirthFor(caller, patient.birth);
  if (!birth.empty()) j["birthDate"] = birth;
  if (patient.sex == "male" || patient.sex == "female" ||
      patient.sex == "other" || patient.sex == "unknown")
    j["gender"] = patient.sex;
  return FhirJson(j);
}

Result<Response> FhirObservations(store::Store& store, const Caller& caller,
                                  const store::PatientInfo& patient,
                                  const Request& request) {
  store::EventQuery q;
  std::optional<std::string> code_system;
  if (auto code = Param(request, "code")) {
    const size_t bar = code->find('|');
    if (bar == std::string::npos) {
      q.code = *code;
    } else {
      if (bar > 0) code_system = code->substr(0, bar);
      q.code = code->substr(bar + 1);
      q.code_system = code_system;
    }
  }
  for (auto [it, end] = request.query.equal_range("date"); it != end; ++it) {
    std::string_view v = it->second;
    std::string prefix = "eq";
    if (v.size() > 2 && std::isalpha(static_cast<unsigned char>(v[0])) &&
        std::isalpha(static_cast<unsigned char>(v[1]))) {
      prefix = std::string(v.substr(0, 2));
      v.remove_prefix(2);
    }
    JUMEAU_ASSIGN_OR_RETURN(const auto period, DatePeriod(v));
    auto lower = [&](Time t) { q.from = q.from ? std::max(*q.from, t) : t; };
    auto upper = [&](Time t) { q.to = q.to ? std::min(*q.to, t) : t; };
    if (prefix == "eq") {
      lower(period.first);
      upper(period.second);
    } else if (prefix == "ge") {
      lower(period.first);
    } else if (prefix == "gt") {
      lower(period.second);
    } else if (prefix == "le") {
      upper(period.second);
    } else if (prefix == "lt") {
      upper(period.first);
    } else {
      return InvalidArgumentError("parameter 'date': unsupported prefix '" +
                                  prefix + "' (eq, ge, gt, le, lt)");
    }
  }
  if (q.from && q.to && *q.to <= *q.from)
    return InvalidArgumentError("parameter 'date': the range is empty");
  JUMEAU_ASSIGN_OR_RETURN(const int64_t count,
                          IntParam(request, "_count", 100, 1, 1000));
  json entries = json::array();
  // Events first (beats and other annotations carry no value: they are not
  // Observations here), scanning a bounded number of rows.
  q.limit = 200000;
  JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(patient.id, q));
  for (const auto& se : events) {
    if (static_cast<int64_t>(entries.size()) >= count) break;
    const Event& e = se.event;
    if ((!e.value && !e.value_code) || IsRiskCode(e.code)) continue;
    json o = {{"resourceType", "Observation"},
              {"id", "e" + std::to_string(se.id)},
              {"status", e.status.empty() ? "final" : e.status},
              {"code",
               {{"coding",
                 {{{"system", e.code.system},
                   {"code", e.code.code},
                   {"display", e.code.display}}}}}},
              {"subject", Subject(patient)}};
    if (!e.code.display.empty()) o["code"]["text"] = e.code.display;
    if (e.end) {
      o["effectivePeriod"] = {{"start", FormatIso8601(e.time)},
                              {"end", FormatIso8601(*e.end)}};
    } else {
      o["effectiveDateTime"] = FormatIso8601(e.time);
    }
    if (e.value) {
      o["valueQuantity"] = {{"value", *e.value}, {"unit", e.unit}};
      if (!e.unit.empty()) {
        o["valueQuantity"]["system"] = kUcum;
        o["valueQuantity"]["code"] = e.unit;
      }
    } else {
      o["valueCodeableConcept"] = {
          {"coding",
           {{{"system", e.value_code->system},
             {"code", e.value_code->code},
             {"display", e.value_code->display}}}}};
    }
    if (!e.origin.empty() && e.code.system == kAnalysisSystem) {
      o["meta"] = {{"tag", {{{"system", "urn:jumeau:derived-by"},
                             {"code", e.origin}}}}};
    }
    if (!e.channel.empty()) o["bodySite"] = {{"text", e.channel}};
    if (!caller.researcher() && !e.source_ref.empty())
      o["identifier"] = {{{"system", "urn:jumeau:source-ref"},
                          {"value", e.source_ref}}};
    entries.push_back(Entry(o));
  }
  // The latest twin's outputs, as of its creation.
  if ((!code_system || *code_system == kTwinOutputSystem)) {
    JUMEAU_ASSIGN_OR_RETURN(const auto history,
                            derive::TwinHistory(store, patient));
    if (!history.empty()) {
      const auto& r = history.back();
      const bool in_window =
          (!q.from || r.created >= *q.from) && (!q.to || r.created < *q.to);
      for (const auto& out : r.outputs) {
        if (!in_window || static_cast<int64_t>(entries.size()) >= count) break;
        if (q.code && *q.code != out.name) continue;
        json o = {
            {"resourceType", "Observation"},
            {"id", "twin-" + std::to_string(r.snapshot_id) + "-" + out.name},
            {"status", "final"},
            {"meta", {{"tag", {{{"system", "urn:jumeau:twin-snapshot"},
                                {"code", std::to_string(r.snapshot_id)}}}}}},
            {"code",
             {{"coding", {{{"system", kTwinOutputSystem}, {"code", out.name}}}},
              {"text", out.name + " (" + r.model + " twin)"}}},
            {"subject", Subject(patient)},
            {"effectiveDateTime", FormatIso8601(r.created)},
            {"valueQuantity",
             {{"value", out.value},
              {"unit", out.unit},
              {"system", kUcum},
              {"code", out.unit}}}};
        entries.push_back(Entry(o));
      }
    }
  }
  return FhirJson(Bundle(entries));
}

Result<Response> FhirRiskAssessments(store::Store& store, const Caller& caller,
                                     const store::PatientInfo& patient) {
  (void)caller;
  store::EventQuery q;
  q.code_system = kAnalysisSystem;
  json entries = json::array();
  for (const char* code : {"SCORE2", "Framingham-2008-CVD"}) {
    q.code = code;
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store.Events(patient.id, q));
    for (const auto& se : events) {
      const Event& e = se.event;
      if (!e.value) continue;
      json r = {{"resourceType", "RiskAssessment"},
                {"id", "e" + std::to_string(se.id)},
                {"status", "final"},
                {"subject", Subject(patient)},
                {"occurrenceDateTime", FormatIso8601(e.time)},
                {"method",
                 {{"coding", {{{"system", kAnalysisSystem},
                               {"code", e.code.code},
                               {"display", e.code.display}}}},
                  {"text", e.code.display}}},
                {"prediction",
                 {{{"outcome", {{"text", "fatal and non-fatal cardiovascular "
                                         "disease"}}},
                   {"probabilityDecimal", *e.value / 100.0},
                   {"whenRange",
                    {{"high",
                      {{"value", 10},
                       {"unit", "a"},
                       {"system", kUcum},
                       {"code", "a"}}}}}}}}};
      if (!e.text.empty()) r["note"] = {{{"text", "inputs: " + e.text}}};
      entries.push_back(Entry(r));
    }
  }
  return FhirJson(Bundle(entries));
}

}  // namespace jumeau::server::internal
