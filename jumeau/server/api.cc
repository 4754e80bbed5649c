// The /api/v1 routes: authentication, the audit entry of each data access,
// and one handler per route. FHIR routes are in fhir.cc.
#include "jumeau/server/api.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "jumeau/derive/brain_twin.h"
#include "jumeau/derive/progression_twin.h"
#include "jumeau/derive/twin.h"
#include "jumeau/server/internal/fhir.h"
#include "jumeau/server/internal/json_number.h"
#include "jumeau/server/internal/params.h"

namespace jumeau::server {
namespace {

using internal::AppendJsonDouble;
using internal::Caller;
using internal::IntParam;
using internal::Json;
using internal::Param;
using internal::Seconds;
using internal::TimeParam;
using internal::WriteJsonDouble;
using internal::WriteJsonInt;
using nlohmann::json;

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = std::min(path.find('/', i), path.size());
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

json PatientJson(const Caller& caller, const store::PatientInfo& p) {
  json j = {{"id", p.pseudonym},
            {"birth", internal::BirthFor(caller, p.birth)},
            {"sex", p.sex},
            {"sources", p.source_count},
            {"streams", p.stream_count},
            {"events", p.event_count},
            {"variants", p.variant_count}};
  if (p.first) {
    j["first"] = FormatIso8601(*p.first);
    j["first_s"] = Seconds(*p.first);
  }
  if (p.last) {
    j["last"] = FormatIso8601(*p.last);
    j["last_s"] = Seconds(*p.last);
  }
  return j;
}

json StreamJson(const store::StreamInfo& s, const std::string& analysis) {
  return {{"id", s.id},
          {"name", s.name},
          {"label", s.signal.label},
          {"unit", s.signal.unit},
          {"rate_hz", s.signal.rate.hz()},
          {"rate", std::to_string(s.signal.rate.numerator()) + "/" +
                       std::to_string(s.signal.rate.denominator())},
          {"start", FormatIso8601(s.signal.start)},
          {"end", FormatIso8601(s.end())},
          {"start_s", Seconds(s.signal.start)},
          {"end_s", Seconds(s.end())},
          {"sample_count", s.sample_count},
          {"source_id", s.source_id},
          {"analysis", analysis}};
}

json EventJson(const Caller& caller, const store::StoredEvent& se) {
  const Event& e = se.event;
  json j = {{"time", FormatIso8601(e.time)},
            {"t", Seconds(e.time)},
            {"system", e.code.system},
            {"code", e.code.code}};
  if (e.end) {
    j["end"] = FormatIso8601(*e.end);
    j["end_t"] = Seconds(*e.end);
  }
  if (!e.code.display.empty()) j["display"] = e.code.display;
  if (e.value) {
    j["value"] = *e.value;
    j["unit"] = e.unit;
  }
  if (!e.text.empty()) j["text"] = e.text;
  if (!e.channel.empty()) j["channel"] = e.channel;
  if (!e.origin.empty()) j["origin"] = e.origin;
  if (!e.status.empty()) j["status"] = e.status;
  if (e.value_code) {
    j["value_code"] = {{"system", e.value_code->system},
                       {"code", e.value_code->code},
                       {"display", e.value_code->display}};
  }
  // The source's own record id is an identifier of the source system:
  // clinicians may follow it back, researchers never see it.
  if (!caller.researcher() && !e.source_ref.empty())
    j["source_ref"] = e.source_ref;
  return j;
}

// Derived sources: "hrv/1" for reader jumeau.analysis.hrv version 1.
std::map<store::SourceId, std::string> AnalysesOf(
    const std::vector<store::SourceInfo>& sources) {
  std::map<store::SourceId, std::string> out;
  for (const auto& s : sources) {
    if (s.format == "derived")
      out[s.id] =
          s.reader.substr(s.reader.rfind('.') + 1) + "/" + s.reader_version;
  }
  return out;
}

// Appends ,"key":[...] with write(i, p) writing element i of n at p (at
// most kMaxJsonNumberChars characters) and returning its length. Elements
// are gathered in a local buffer and appended to `*out` 8 KB at a time.
template <typename F>
void AppendArray(std::string* out, const char* key, size_t n, F write) {
  *out += ",\"";
  *out += key;
  *out += "\":[";
  char buffer[8192];
  size_t used = 0;
  for (size_t i = 0; i < n; ++i) {
    if (used + internal::kMaxJsonNumberChars + 1 > sizeof buffer) {
      out->append(buffer, used);
      used = 0;
    }
    if (i) buffer[used++] = ',';
    used += write(i, buffer + used);
  }
  out->append(buffer, used);
  *out += ']';
}

// One request being answered: the route's pattern and the patient, for the
// audit trail.
struct Exchange {
  std::string action;
  std::string patient;
};

class Router {
 public:
  Router(store::Store& store, const Caller& caller, const ApiOptions& options,
         const Request& request, Exchange* exchange)
      : store_(store),
        caller_(caller),
        options_(options),
        request_(request),
        exchange_(exchange) {}

  // REQUIRES: segments start with "api", "v1" or "fhir".
  Result<Response> Route(const std::vector<std::string>& s) {
    if (s[0] == "fhir") return RouteFhir(s);
    const size_t n = s.size();
    if (n == 3 && s[2] == "patients") {
      JUMEAU_RETURN_IF_ERROR(Method("GET", "/api/v1/patients"));
      return Patients();
    }
    if (n < 4 || s[2] != "patients") return NotFound();
    const std::string& p = s[3];
    if (n == 4) {
      JUMEAU_RETURN_IF_ERROR(Method("GET", "/api/v1/patients/{id}", p));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient, FindPatient(p));
      return Json(PatientJson(caller_, patient));
    }
    if (n == 5 && s[4] == "streams") {
      JUMEAU_RETURN_IF_ERROR(Method("GET", "/api/v1/patients/{id}/streams", p));
      return Streams(p);
    }
    if (n == 6 && s[4] == "streams") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/streams/{stream}", p));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
      JUMEAU_ASSIGN_OR_RETURN(const auto stream,
                              store_.FindStream(patient.id, s[5]));
      return Json(StreamJson(stream, ""));
    }
    if (n == 7 && s[4] == "streams" && s[6] == "window") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/streams/{stream}/window", p));
      return Window(p, s[5]);
    }
    if (n == 5 && s[4] == "events") {
      JUMEAU_RETURN_IF_ERROR(Method("GET", "/api/v1/patients/{id}/events", p));
      return Events(p);
    }
    if (n == 5 && s[4] == "timeline") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/timeline", p));
      return Timeline(p);
    }
    if (n == 5 && s[4] == "analyses") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/analyses", p));
      return Analyses(p);
    }
    if (n == 6 && s[4] == "analyses") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/analyses/{name}", p));
      return Analysis(p, s[5]);
    }
    if (n == 6 && s[4] == "twin" && s[5] == "snapshots") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/twin/snapshots", p));
      return Snapshots(p);
    }
    if (n == 6 && s[4] == "twin" && s[5] == "progression") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/twin/progression", p));
      return Progression(p);
    }
    if (n == 6 && s[4] == "twin" && s[5] == "brain") {
      JUMEAU_RETURN_IF_ERROR(
          Method("GET", "/api/v1/patients/{id}/twin/brain", p));
      return Brain(p);
    }
    if (n == 6 && s[4] == "twin" && s[5] == "simulate") {
      JUMEAU_RETURN_IF_ERROR(
          Method("POST", "/api/v1/patients/{id}/twin/simulate", p));
      return Simulate(p);
    }
    return NotFound();
  }

 private:
  Status NotFound() {
    exchange_->action = request_.method + " (unknown route)";
    return NotFoundError("no route " + request_.method + " " + request_.path);
  }

  // Records the route; kUnimplemented-free 405 is signalled by a special
  // status code kept in method_not_allowed_.
  Status Method(const char* method, const char* pattern,
                const std::string& patient = "") {
    exchange_->action = std::string(method) + " " + pattern;
    exchange_->patient = patient;
    if (request_.method != method) {
      exchange_->action = request_.method + " " + pattern;
      method_not_allowed_ = true;
      return InvalidArgumentError(request_.path + " answers " + method +
                                  " only, not " + request_.method);
    }
    return Status::Ok();
  }

 public:
  bool method_not_allowed() const { return method_not_allowed_; }

 private:
  Result<store::PatientInfo> FindPatient(const std::string& pseudonym) {
    auto p = store_.FindPatient(pseudonym);
    if (!p.ok() && p.status().code() == StatusCode::kNotFound)
      return NotFoundError("no patient '" + pseudonym + "'");
    return p;
  }

  // The patient's id and pseudonym only (one index lookup, not the counts
  // of FindPatient): enough for the routes that read streams and events.
  Result<store::PatientInfo> PatientRef(const std::string& pseudonym) {
    auto id = store_.FindPatientId(pseudonym);
    if (!id.ok()) {
      if (id.status().code() == StatusCode::kNotFound)
        return NotFoundError("no patient '" + pseudonym + "'");
      return id.status();
    }
    store::PatientInfo p;
    p.id = *id;
    p.pseudonym = pseudonym;
    return p;
  }

  Result<Response> Patients() {
    JUMEAU_ASSIGN_OR_RETURN(
        const int64_t limit,
        IntParam(request_, "limit", options_.default_page, 1,
                 options_.max_page));
    JUMEAU_ASSIGN_OR_RETURN(const int64_t offset,
                            IntParam(request_, "offset", 0, 0, INT32_MAX));
    JUMEAU_ASSIGN_OR_RETURN(const auto patients, store_.Patients());
    json items = json::array();
    const int64_t total = static_cast<int64_t>(patients.size());
    for (int64_t i = offset; i < total && i < offset + limit; ++i)
      items.push_back(PatientJson(caller_, patients[static_cast<size_t>(i)]));
    json out = {{"items", items},
                {"offset", offset},
                {"limit", limit},
                {"total", total}};
    out["next_offset"] =
        offset + limit < total ? json(offset + limit) : json(nullptr);
    return Json(out);
  }

  Result<Response> Streams(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto streams, store_.Streams(patient.id));
    JUMEAU_ASSIGN_OR_RETURN(const auto sources, store_.Sources(patient.id));
    const auto analyses = AnalysesOf(sources);
    json items = json::array();
    for (const auto& s : streams) {
      auto it = analyses.find(s.source_id);
      items.push_back(StreamJson(s, it == analyses.end() ? "" : it->second));
    }
    return Json({{"items", items}});
  }

  Result<Response> Window(const std::string& p, const std::string& name) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto stream,
                            store_.FindStream(patient.id, name));
    JUMEAU_ASSIGN_OR_RETURN(const auto from_param, TimeParam(request_, "from"));
    JUMEAU_ASSIGN_OR_RETURN(const auto to_param, TimeParam(request_, "to"));
    JUMEAU_ASSIGN_OR_RETURN(
        const int64_t points,
        IntParam(request_, "points", options_.default_points, 1,
                 options_.max_points));
    const Time start = stream.signal.start, end = stream.end();
    const Time from = from_param.value_or(start);
    const Time to = to_param.value_or(end);
    if (to <= from) {
      return InvalidArgumentError("window ends (" + FormatIso8601(to) +
                                  ") at or before it starts (" +
                                  FormatIso8601(from) + ")");
    }
    if (to <= start || from >= end) {
      return InvalidArgumentError(
          "window [" + FormatIso8601(from) + ", " + FormatIso8601(to) +
          ") does not overlap stream '" + stream.name + "' [" +
          FormatIso8601(start) + ", " + FormatIso8601(end) + ")");
    }
    const Time a = std::max(from, start), b = std::min(to, end);
    // A stored stream never changes (a re-analysis stores new streams under
    // new ids), so the window's parameters name its content.
    const std::string etag = "\"w" + std::to_string(stream.id) + "-" +
                             std::to_string(stream.sample_count) + "-" +
                             std::to_string(a.ns_since_epoch) + "-" +
                             std::to_string(b.ns_since_epoch) + "-" +
                             std::to_string(points) + "\"";
    if (request_.if_none_match == etag) {
      Response r;
      r.status = 304;
      r.etag = etag;
      return r;
    }
    JUMEAU_ASSIGN_OR_RETURN(const auto w,
                            store_.ReadWindow(stream.id, a, b, points));
    // The hottest route: written straight into the body (the same document
    // nlohmann would build, without a tree of thousands of nodes).
    Response r;
    r.etag = etag;
    std::string& o = r.body;
    o.reserve(64 + (w.exact ? w.samples.size() * 40 : w.buckets.size() * 90));
    o += "{\"stream\":";
    o += json(stream.name).dump(-1, ' ', false,
                                json::error_handler_t::replace);
    o += ",\"unit\":";
    o += json(w.unit).dump(-1, ' ', false, json::error_handler_t::replace);
    o += w.exact ? ",\"exact\":true" : ",\"exact\":false";
    o += ",\"from\":\"" + FormatIso8601(a) + "\",\"to\":\"" +
         FormatIso8601(b) + "\"";
    o += ",\"from_s\":";
    AppendJsonDouble(&o, Seconds(a));
    o += ",\"to_s\":";
    AppendJsonDouble(&o, Seconds(b));
    o += ",\"first_sample\":" + std::to_string(w.first_sample);
    // Numbers: the shortest text that reads back as the same double (what
    // nlohmann writes). Physical values of digital ones are memoised: a
    // window's values repeat a few hundred digital levels.
    auto physical = [&](double d) { return d * w.scale + w.offset; };
    internal::PhysicalNumbers digital_text(w.scale, w.offset);
    if (w.exact) {
      AppendArray(&o, "t", w.samples.size(), [&](size_t i, char* p) {
        return WriteJsonDouble(Seconds(w.times[i]), p);
      });
      AppendArray(&o, "value", w.samples.size(), [&](size_t i, char* p) {
        return digital_text.Write(w.samples[i], p);
      });
    } else {
      o += ",\"pyramid_level\":" + std::to_string(w.pyramid_level);
      const auto& bs = w.buckets;
      AppendArray(&o, "t", bs.size(), [&](size_t i, char* p) {
        return WriteJsonDouble(Seconds(bs[i].start), p);
      });
      // min and max in physical terms (a negative scale swaps them).
      auto lower = [&](const store::Bucket& b) {
        return physical(b.max) < physical(b.min) ? b.max : b.min;
      };
      auto upper = [&](const store::Bucket& b) {
        return physical(b.min) < physical(b.max) ? b.max : b.min;
      };
      AppendArray(&o, "min", bs.size(), [&](size_t i, char* p) {
        return digital_text.Write(lower(bs[i]), p);
      });
      AppendArray(&o, "max", bs.size(), [&](size_t i, char* p) {
        return digital_text.Write(upper(bs[i]), p);
      });
      AppendArray(&o, "mean", bs.size(), [&](size_t i, char* p) {
        return WriteJsonDouble(physical(bs[i].mean), p);
      });
      // Counts take two or three values in a window: the last one's text
      // is reused.
      int64_t last_count = -1;
      char last_text[internal::kMaxJsonNumberChars];
      size_t last_length = 0;
      AppendArray(&o, "count", bs.size(), [&](size_t i, char* p) {
        if (bs[i].count != last_count) {
          last_count = bs[i].count;
          last_length = WriteJsonInt(last_count, last_text);
        }
        std::memcpy(p, last_text, sizeof last_text);
        return last_length;
      });
    }
    o += '}';
    return r;
  }

  Result<store::EventQuery> EventQueryOf() {
    store::EventQuery q;
    q.code = Param(request_, "code");
    q.code_system = Param(request_, "system");
    q.origin = Param(request_, "origin");
    JUMEAU_ASSIGN_OR_RETURN(q.from, TimeParam(request_, "from"));
    JUMEAU_ASSIGN_OR_RETURN(q.to, TimeParam(request_, "to"));
    if (q.from && q.to && *q.to <= *q.from) {
      return InvalidArgumentError("'to' (" + FormatIso8601(*q.to) +
                                  ") must be after 'from' (" +
                                  FormatIso8601(*q.from) + ")");
    }
    return q;
  }

  Result<Response> Events(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(store::EventQuery q, EventQueryOf());
    JUMEAU_ASSIGN_OR_RETURN(
        const int64_t limit,
        IntParam(request_, "limit", options_.default_page, 1,
                 options_.max_page));
    JUMEAU_ASSIGN_OR_RETURN(const int64_t offset,
                            IntParam(request_, "offset", 0, 0, 1000000));
    q.limit = offset + limit + 1;  // one more tells whether a page follows
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store_.Events(patient.id, q));
    json items = json::array();
    const int64_t got = static_cast<int64_t>(events.size());
    for (int64_t i = offset; i < got && i < offset + limit; ++i)
      items.push_back(EventJson(caller_, events[static_cast<size_t>(i)]));
    json out = {{"items", items}, {"offset", offset}, {"limit", limit}};
    out["next_offset"] =
        got > offset + limit ? json(offset + limit) : json(nullptr);
    return Json(out);
  }

  Result<Response> Timeline(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, FindPatient(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto from, TimeParam(request_, "from"));
    JUMEAU_ASSIGN_OR_RETURN(const auto to, TimeParam(request_, "to"));
    if (from && to && *to <= *from)
      return InvalidArgumentError("'to' must be after 'from'");
    JUMEAU_ASSIGN_OR_RETURN(const auto groups,
                            store_.EventSummary(patient.id, from, to));
    JUMEAU_ASSIGN_OR_RETURN(const auto streams, store_.Streams(patient.id));
    JUMEAU_ASSIGN_OR_RETURN(const auto sources, store_.Sources(patient.id));
    JUMEAU_ASSIGN_OR_RETURN(const auto sets, store_.GenotypeSets(patient.id));
    const auto analyses = AnalysesOf(sources);
    json out = {{"patient", PatientJson(caller_, patient)}};
    out["groups"] = json::array();
    for (const auto& g : groups) {
      out["groups"].push_back({{"origin", g.origin},
                               {"system", g.code_system},
                               {"count", g.count},
                               {"first", FormatIso8601(g.first)},
                               {"last", FormatIso8601(g.last)},
                               {"first_s", Seconds(g.first)},
                               {"last_s", Seconds(g.last)}});
    }
    out["streams"] = json::array();
    for (const auto& s : streams) {
      if (from && s.end() <= *from) continue;
      if (to && s.signal.start >= *to) continue;
      auto it = analyses.find(s.source_id);
      out["streams"].push_back(
          StreamJson(s, it == analyses.end() ? "" : it->second));
    }
    out["genotypes"] = json::array();
    for (const auto& g : sets) {
      out["genotypes"].push_back({{"genome_build", g.genome_build},
                                  {"variants", g.variant_count},
                                  {"called", g.called}});
    }
    return Json(out);
  }

  Result<Response> Analyses(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto sources, store_.Sources(patient.id));
    JUMEAU_ASSIGN_OR_RETURN(const auto groups,
                            store_.EventSummary(patient.id, {}, {}));
    JUMEAU_ASSIGN_OR_RETURN(const auto streams, store_.Streams(patient.id));
    json items = json::array();
    for (const auto& s : sources) {
      if (s.format != "derived") continue;
      const std::string name = s.reader.substr(s.reader.rfind('.') + 1);
      const std::string origin = name + "/" + s.reader_version;
      json a = {{"name", name},
                {"version", s.reader_version},
                {"origin", origin},
                {"computed", FormatIso8601(s.ingested_at)}};
      int64_t events = 0;
      for (const auto& g : groups)
        if (g.origin == origin) events += g.count;
      a["events"] = events;
      a["streams"] = json::array();
      for (const auto& st : streams)
        if (st.source_id == s.id) a["streams"].push_back(st.name);
      items.push_back(a);
    }
    return Json({{"items", items}});
  }

  // The results of one analysis as series, one per code.
  Result<Response> Analysis(const std::string& p, const std::string& name) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto sources, store_.Sources(patient.id));
    // The latest version of the analysis: its origin "name/version".
    std::string origin;
    for (const auto& s : sources) {
      if (s.format == "derived" &&
          s.reader.substr(s.reader.rfind('.') + 1) == name)
        origin = name + "/" + s.reader_version;
    }
    if (origin.empty())
      return NotFoundError("no results of analysis '" + name +
                           "' for patient '" + p + "'");
    JUMEAU_ASSIGN_OR_RETURN(store::EventQuery q, EventQueryOf());
    q.origin = origin;
    JUMEAU_ASSIGN_OR_RETURN(
        q.limit, IntParam(request_, "limit", 20000, 1, 100000));
    JUMEAU_ASSIGN_OR_RETURN(const auto events, store_.Events(patient.id, q));
    std::map<std::string, json> series;
    std::vector<std::string> order;
    for (const auto& se : events) {
      const Event& e = se.event;
      const std::string key = e.code.code;
      auto it = series.find(key);
      if (it == series.end()) {
        order.push_back(key);
        it = series
                 .emplace(key, json{{"code", e.code.code},
                                    {"system", e.code.system},
                                    {"display", e.code.display},
                                    {"unit", e.unit},
                                    {"t", json::array()},
                                    {"value", json::array()},
                                    {"text", json::array()}})
                 .first;
      }
      it->second["t"].push_back(Seconds(e.time));
      it->second["value"].push_back(e.value ? json(*e.value) : json(nullptr));
      it->second["text"].push_back(e.text);
    }
    json out = {{"name", name}, {"origin", origin}, {"series", json::array()}};
    for (const auto& key : order) out["series"].push_back(series[key]);
    out["truncated"] = static_cast<int64_t>(events.size()) >= q.limit;
    return Json(out);
  }

  json SnapshotJson(const derive::TwinReport& r) {
    json j = json::parse(r.ToJson(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) j = json::object();
    j["snapshot_id"] = r.snapshot_id;
    j["created"] = FormatIso8601(r.created);
    j["created_s"] = Seconds(r.created);
    j["data_from_s"] = Seconds(r.data_from);
    j["data_to_s"] = Seconds(r.data_to);
    if (caller_.researcher()) {
      // Provenance strings name source records: clinicians only.
      j.erase("heart_rate_source");
      if (j.contains("observations") && j["observations"].is_array()) {
        for (auto& o : j["observations"])
          if (o.is_object()) o.erase("source");
      }
    }
    return j;
  }

  Result<Response> Snapshots(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, FindPatient(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto history,
                            derive::TwinHistory(store_, patient));
    json items = json::array();
    for (const auto& r : history) items.push_back(SnapshotJson(r));
    Response r = Json({{"items", items}});
    // Snapshots are immutable; the list changes only by growing.
    if (!history.empty()) {
      r.etag = "\"s" + std::to_string(history.back().snapshot_id) + "-" +
               std::to_string(history.size()) +
               (caller_.researcher() ? "r" : "c") + "\"";
      if (request_.if_none_match == r.etag) {
        r.status = 304;
        r.body.clear();
      }
    }
    return r;
  }

  // The patient's snapshots of the models `is_model` accepts, oldest first.
  template <typename F>
  Result<std::vector<store::TwinSnapshot>> SnapshotsOf(
      const store::PatientInfo& patient, F is_model) {
    JUMEAU_ASSIGN_OR_RETURN(auto all, store_.TwinSnapshots(patient.id));
    std::vector<store::TwinSnapshot> out;
    for (auto& s : all)
      if (is_model(s.model)) out.push_back(std::move(s));
    return out;
  }

  // An ETag for a list of snapshots of one kind: they are immutable and the
  // list only grows; the role changes what is shown.
  std::string SnapshotListTag(char kind,
                              const std::vector<store::TwinSnapshot>& list) {
    return std::string("\"") + kind + std::to_string(list.back().id) + "-" +
           std::to_string(list.size()) + (caller_.researcher() ? "r" : "c") +
           "\"";
  }

  // The latest progression twin as plot-ready columns, per feature: the
  // observed points, the trajectory (median and 90% band) and the threshold
  // crossings. Ages (with dates they give the birth date away) and the
  // birth date beyond its year are for clinicians only.
  json ProgressionJson(const derive::ProgressionTwinReport& r,
                       const store::PatientInfo& patient) {
    const bool ages = !caller_.researcher();
    constexpr double kYearSeconds = 365.25 * 86400.0;
    const double birth_s = Seconds(r.birth);
    json j = {{"snapshot_id", r.snapshot_id},
              {"model", r.model},
              {"model_version", r.model_version},
              {"created", FormatIso8601(r.created)},
              {"created_s", Seconds(r.created)},
              {"data_from", FormatIso8601(r.data_from)},
              {"data_to", FormatIso8601(r.data_to)},
              {"data_from_s", Seconds(r.data_from)},
              {"data_to_s", Seconds(r.data_to)},
              {"birth", internal::BirthFor(
                            caller_, FormatIso8601(r.birth).substr(0, 10))},
              {"band", "90%"}};
    j["population_model"] = {{"hash", r.population_model_hash},
                             {"iterations", r.population.iterations},
                             {"converged", r.population.converged}};
    // "store /path/cohort.jumeau (5 patients)": a path on the server.
    if (ages) j["population_model"]["data_source"] = r.population.data_source;
    j["individual"] = {{"tau_mean", r.mean.tau},
                       {"tau_sd", r.tau_sd},
                       {"xi_mean", r.mean.xi},
                       {"xi_sd", r.xi_sd},
                       {"acceleration", std::exp(r.mean.xi)},
                       {"samples", r.samples.size()}};
    auto finite = [](double v) { return std::isfinite(v) ? json(v) : json(); };
    j["features"] = json::array();
    for (const auto& f : r.population.features) {
      json feature = {{"code", f.code},
                      {"system", f.system},
                      {"unit", f.unit},
                      {"low", f.low},
                      {"high", f.high}};
      // The code's name as the record spells it, if it has one.
      store::EventQuery q;
      q.code = f.code;
      if (!f.system.empty()) q.code_system = f.system;
      q.limit = 1;
      auto named = store_.Events(patient.id, q);
      feature["display"] = named.ok() && !named->empty()
                               ? named->front().event.code.display
                               : std::string();
      json obs = {{"t", json::array()},
                  {"time", json::array()},
                  {"value", json::array()},
                  {"predicted", json::array()}};
      if (ages) obs["age"] = json::array();
      for (const auto& o : r.observed) {
        if (o.code != f.code) continue;
        obs["t"].push_back(Seconds(o.time));
        obs["time"].push_back(FormatIso8601(o.time));
        obs["value"].push_back(o.value);
        obs["predicted"].push_back(o.predicted);
        if (ages) obs["age"].push_back(o.age);
      }
      feature["observed"] = obs;
      json traj = {{"t", json::array()},
                   {"p5", json::array()},
                   {"median", json::array()},
                   {"p95", json::array()}};
      if (ages) traj["age"] = json::array();
      for (const auto& fc : r.forecast) {
        if (fc.code != f.code) continue;
        for (const auto& pt : fc.points) {
          traj["t"].push_back(Seconds(pt.time));
          traj["p5"].push_back(pt.p5);
          traj["median"].push_back(pt.median);
          traj["p95"].push_back(pt.p95);
          if (ages) traj["age"].push_back(pt.age);
        }
      }
      feature["trajectory"] = traj;
      feature["thresholds"] = json::array();
      for (const auto& t : r.thresholds) {
        if (t.code != f.code) continue;
        auto at = [&](double age) {
          return std::isfinite(age) ? json(birth_s + age * kYearSeconds)
                                    : json();
        };
        json c = {
            {"value", t.value},
            {"unit", t.unit},
            {"probability_by_end", t.probability},
            {"already_crossed", t.already},
            {"date_median",
             t.date_median ? json(FormatIso8601(*t.date_median)) : json()},
            {"t_median", at(t.age_median)},
            {"t_p5", at(t.age_p5)},
            {"t_p95", at(t.age_p95)}};
        if (ages) {
          c["age_median"] = finite(t.age_median);
          c["age_p5"] = finite(t.age_p5);
          c["age_p95"] = finite(t.age_p95);
        }
        feature["thresholds"].push_back(c);
      }
      j["features"].push_back(feature);
    }
    return j;
  }

  Result<Response> Progression(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto list,
                            SnapshotsOf(patient, [](const std::string& m) {
                              return derive::IsProgressionModel(m);
                            }));
    json items = json::array();
    for (const auto& s : list) {
      items.push_back({{"snapshot_id", s.id},
                       {"model", s.model},
                       {"model_version", s.model_version},
                       {"created", FormatIso8601(s.created)},
                       {"created_s", Seconds(s.created)}});
    }
    json out = {{"items", items}, {"latest", nullptr}};
    Response r;
    if (!list.empty()) {
      r.etag = SnapshotListTag('p', list);
      if (request_.if_none_match == r.etag) {
        r.status = 304;
        return r;
      }
      JUMEAU_ASSIGN_OR_RETURN(
          auto report,
          derive::ProgressionTwinReport::FromSnapshot(list.back()));
      out["latest"] = ProgressionJson(report, patient);
    }
    Response answer = Json(out);
    answer.etag = r.etag;
    return answer;
  }

  // The brain twins, summaries only (not the connectome nor the gain).
  Result<Response> Brain(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, PatientRef(p));
    JUMEAU_ASSIGN_OR_RETURN(const auto list,
                            SnapshotsOf(patient, [](const std::string& m) {
                              return derive::IsBrainTwinModel(m);
                            }));
    std::string etag;
    if (!list.empty()) {
      etag = SnapshotListTag('b', list);
      if (request_.if_none_match == etag) {
        Response r;
        r.status = 304;
        r.etag = etag;
        return r;
      }
    }
    json items = json::array();
    for (const auto& s : list) {
      JUMEAU_ASSIGN_OR_RETURN(const auto b,
                              derive::BrainTwinReport::FromSnapshot(s));
      json j = {{"snapshot_id", b.snapshot_id},
                {"model", b.model},
                {"model_version", b.model_version},
                {"method", b.method},
                {"created", FormatIso8601(b.created)},
                {"created_s", Seconds(b.created)},
                {"data_from", FormatIso8601(b.data_from)},
                {"data_to", FormatIso8601(b.data_to)},
                {"connectome_hash", b.connectome_hash},
                {"regions", b.connectivity.labels.size()},
                {"sensor_model", b.sensor_model},
                {"eeg_channels", b.eeg_channels.size()},
                {"rms_standardized", b.rms_standardized},
                {"evaluations", b.evaluations},
                {"ez_regions", b.ez_regions}};
      // A path on the server's disk may name the patient: clinicians only.
      if (!caller_.researcher()) j["connectome_source"] = b.connectome_source;
      j["parameters"] = json::array();
      for (const auto& q : b.parameters) {
        j["parameters"].push_back({{"name", q.name},
                                   {"unit", q.unit},
                                   {"estimate", q.estimate},
                                   {"lower", q.lower},
                                   {"upper", q.upper}});
      }
      j["observations"] = json::array();
      for (const auto& o : b.observations) {
        j["observations"].push_back({{"feature", o.feature},
                                     {"value", o.value},
                                     {"predicted", o.predicted},
                                     {"standardized", o.standardized}});
      }
      j["propagation"] = {{"seizing", b.propagation.seizing},
                          {"onset_ms", b.propagation.onset_ms}};
      items.push_back(j);
    }
    Response r = Json({{"items", items}});
    r.etag = etag;
    return r;
  }

  Result<Response> Simulate(const std::string& p) {
    JUMEAU_ASSIGN_OR_RETURN(const auto patient, FindPatient(p));
    const json body =
        json::parse(request_.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded())
      return InvalidArgumentError("request body is not valid JSON");
    if (!body.is_object())
      return InvalidArgumentError("request body must be a JSON object");
    derive::TwinSimulationOptions o;
    if (!body.contains("scenario") || !body["scenario"].is_string())
      return InvalidArgumentError(
          "request body needs \"scenario\": a string such as "
          "\"resistance=-20%\"");
    o.scenario = body["scenario"].get<std::string>();
    auto integer = [&](const char* key, int64_t min, int64_t max,
                       int64_t* out) -> Status {
      if (!body.contains(key)) return Status::Ok();
      const json& v = body[key];
      if (!v.is_number_integer())
        return InvalidArgumentError(std::string("\"") + key +
                                    "\" must be an integer");
      const int64_t x = v.is_number_unsigned()
                            ? static_cast<int64_t>(std::min<uint64_t>(
                                  v.get<uint64_t>(), INT64_MAX))
                            : v.get<int64_t>();
      if (x < min || x > max)
        return InvalidArgumentError(std::string("\"") + key +
                                    "\" must be between " +
                                    std::to_string(min) + " and " +
                                    std::to_string(max));
      *out = x;
      return Status::Ok();
    };
    int64_t samples = o.samples, seed = 1, waveform = 0;
    JUMEAU_RETURN_IF_ERROR(
        integer("samples", 2, options_.max_simulation_samples, &samples));
    JUMEAU_RETURN_IF_ERROR(integer("seed", 0, INT64_MAX, &seed));
    JUMEAU_RETURN_IF_ERROR(integer("waveform_points", 0,
                                   options_.max_waveform_points, &waveform));
    if (waveform != 0 && waveform < 3)
      return InvalidArgumentError("\"waveform_points\" must be 0 or >= 3");
    o.samples = static_cast<int>(samples);
    o.seed = static_cast<uint64_t>(seed);
    o.waveform_points = static_cast<int>(waveform);
    JUMEAU_ASSIGN_OR_RETURN(const auto sim,
                            derive::SimulateCardioTwin(store_, patient, o));
    json out = {{"snapshot_id", sim.snapshot_id},
                {"scenario", sim.scenario},
                {"description", sim.description},
                {"baseline_heart_rate_per_min", sim.baseline_heart_rate_per_min},
                {"scenario_heart_rate_per_min", sim.scenario_heart_rate_per_min},
                {"samples", sim.samples},
                {"failed_samples", sim.failed_samples},
                {"seed", sim.seed}};
    out["outputs"] = json::array();
    auto band = [](const derive::TwinBand& b) {
      return json{{"map", b.map},
                  {"p5", b.p5},
                  {"median", b.median},
                  {"p95", b.p95}};
    };
    for (const auto& o2 : sim.outputs) {
      out["outputs"].push_back({{"name", o2.name},
                                {"unit", o2.unit},
                                {"baseline", band(o2.baseline)},
                                {"scenario", band(o2.scenario)}});
    }
    if (!sim.time_s.empty()) {
      out["waveform"] = {{"time_s", sim.time_s},
                         {"lv_pressure", sim.lv_pressure},
                         {"lv_volume", sim.lv_volume},
                         {"aortic_pressure", sim.aortic_pressure}};
    }
    return Json(out);
  }

  Result<Response> RouteFhir(const std::vector<std::string>& s) {
    const size_t n = s.size();
    if (n == 3 && s[1] == "Patient") {
      JUMEAU_RETURN_IF_ERROR(Method("GET", "/fhir/Patient/{id}", s[2]));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient, FindPatient(s[2]));
      return internal::FhirPatient(caller_, patient);
    }
    if (n == 2 && (s[1] == "Observation" || s[1] == "RiskAssessment")) {
      const std::string pattern = "/fhir/" + s[1];
      auto p = Param(request_, "patient");
      JUMEAU_RETURN_IF_ERROR(Method("GET", pattern.c_str(), p.value_or("")));
      if (!p)
        return InvalidArgumentError(pattern +
                                    " needs the search parameter 'patient'");
      // "Patient/x" or "x".
      std::string id = *p;
      if (id.rfind("Patient/", 0) == 0) id = id.substr(8);
      exchange_->patient = id;
      JUMEAU_ASSIGN_OR_RETURN(const auto patient, FindPatient(id));
      if (s[1] == "Observation")
        return internal::FhirObservations(store_, caller_, patient, request_);
      return internal::FhirRiskAssessments(store_, caller_, patient);
    }
    return NotFound();
  }

  store::Store& store_;
  const Caller& caller_;
  const ApiOptions& options_;
  const Request& request_;
  Exchange* exchange_;
  bool method_not_allowed_ = false;
};

// The bearer secret of an Authorization header, "" when there is none.
std::string_view BearerOf(std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() ||
      header.substr(0, kBearer.size()) != kBearer)
    return {};
  return header.substr(kBearer.size());
}

}  // namespace

Api::Api(StorePool* pool, AuditWriter* audit, const Clock& clock,
         ApiOptions options)
    : pool_(pool), audit_(audit), clock_(clock), options_(options) {}

bool Api::Owns(std::string_view path) {
  return path == "/api" || path == "/fhir" || path.rfind("/api/", 0) == 0 ||
         path.rfind("/fhir/", 0) == 0;
}

Response Api::Handle(const Request& request) {
  const auto segments = Segments(request.path);
  const bool api = segments.size() >= 2 && segments[0] == "api" &&
                   segments[1] == "v1";
  const bool fhir = !segments.empty() && segments[0] == "fhir";
  if (!api && !fhir) {
    return internal::Error(
        NotFoundError("no route " + request.method + " " + request.path +
                      " (the API is under /api/v1 and /fhir)"));
  }
  if (api && segments.size() == 3 && segments[2] == "health") {
    if (request.method != "GET") {
      Response r = internal::Error(InvalidArgumentError(
          request.path + " answers GET only, not " + request.method));
      r.status = 405;
      r.body = ErrorBody(405, "method_not_allowed",
                         request.path + " answers GET only");
      return r;
    }
    return Json({{"status", "ok"}, {"version", "0.1.0"}});
  }

  auto lease = pool_->Acquire();
  Exchange exchange;
  exchange.action = request.method + " " + request.path;
  store::AuditEntry entry;
  entry.target = request.target.empty() ? request.path : request.target;
  Response response;
  const std::string_view secret = BearerOf(request.authorization);
  auto token = secret.empty()
                   ? Result<store::ApiToken>(NotFoundError("no token"))
                   : lease->AuthenticateApiToken(secret);
  if (!token.ok()) {
    response.status = 401;
    const bool store_failed = token.status().code() != StatusCode::kNotFound;
    if (store_failed) {
      response = internal::Error(token.status());
    } else {
      response.body = ErrorBody(
          401, "unauthenticated",
          secret.empty()
              ? "this route needs a bearer token (Authorization: Bearer "
                "jmt_...; create one with `jumeau token create`)"
              : "unknown or revoked token");
    }
    // Which patient was asked for, as far as the path says.
    if (segments.size() >= 4 && api && segments[2] == "patients")
      exchange.patient = segments[3];
    else if (fhir && segments.size() == 3)
      exchange.patient = segments[2];
    else if (fhir)
      exchange.patient = Param(request, "patient").value_or("");
  } else {
    entry.token_id = token->id;
    entry.role = token->role;
    const internal::Caller caller{*token};
    Router router(*lease, caller, options_, request, &exchange);
    Result<Response> r = InternalError("not answered");
    try {
      r = router.Route(segments);
    } catch (const std::exception& e) {
      // nlohmann and the standard library may throw (bad_alloc, a JSON type
      // error); no exception leaves the server.
      r = InternalError(std::string("internal error: ") + e.what());
    }
    if (r.ok()) {
      response = std::move(*r);
    } else if (router.method_not_allowed()) {
      response.status = 405;
      response.body =
          ErrorBody(405, "method_not_allowed", r.status().message());
    } else {
      response = internal::Error(r.status());
    }
  }
  entry.time = clock_.Now();
  entry.patient = exchange.patient;
  entry.action = exchange.action;
  entry.status = response.status;
  audit_->Record(std::move(entry));
  return response;
}

}  // namespace jumeau::server
