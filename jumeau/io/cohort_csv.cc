// Long-format cohort CSV reader (see cohort_csv.h).
#include "jumeau/io/cohort_csv.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "jumeau/io/internal/csv.h"

namespace jumeau::io {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsMissing(std::string_view s) {
  return s.empty() || s == "NA" || s == "NaN" || s == "nan" || s == "na";
}

// Parses a finite double from the whole of `s`.
bool ParseNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, *out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(*out);
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, 40));
  if (s.size() > 40) out += "...";
  return out + "'";
}

}  // namespace

Result<CohortTable> ParseCohortCsv(std::string_view text,
                                   std::string_view name) {
  const std::string n(name);
  const auto fail = [&](int64_t line, const std::string& why) {
    return DataLossError(n + " line " + std::to_string(line) + ": " + why);
  };
  internal::CsvTokenizer tok(text, name, ',', 0);
  std::vector<std::string_view> fields;
  JUMEAU_ASSIGN_OR_RETURN(const bool has_header, tok.Next(&fields));
  if (!has_header)
    return DataLossError(n +
                         ": empty file (expected a header ID,TIME,<features>)");
  const int64_t header_line = tok.line();
  if (fields.size() < 3 || Lower(fields[0]) != "id" ||
      Lower(fields[1]) != "time") {
    return fail(
        header_line,
        "header must be ID,TIME followed by at least one feature column");
  }
  CohortTable t;
  for (std::size_t c = 2; c < fields.size(); ++c) {
    const std::string f(fields[c]);
    if (f.empty())
      return fail(header_line,
                  "empty feature name in column " + std::to_string(c + 1));
    for (const auto& g : t.features)
      if (g == f) return fail(header_line, "duplicated feature " + Quote(f));
    t.features.push_back(f);
  }
  const std::size_t k = t.features.size();
  std::unordered_map<std::string, int> index;  // subject -> position
  int current = -1;
  std::vector<char> any_value;
  std::vector<int64_t> first_line;
  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, tok.Next(&fields));
    if (!more) break;
    const int64_t line = tok.line();
    if (fields.size() != k + 2) {
      return fail(line, "expected " + std::to_string(k + 2) +
                            " fields, found " + std::to_string(fields.size()));
    }
    if (fields[0].empty()) return fail(line, "empty ID");
    double time;
    if (!ParseNumber(fields[1], &time)) {
      return fail(line, "TIME " + Quote(fields[1]) + " is not a finite number");
    }
    const std::string id(fields[0]);
    auto it = index.find(id);
    if (it == index.end()) {
      current = static_cast<int>(t.subject_ids.size());
      index.emplace(id, current);
      t.subject_ids.push_back(id);
      t.offsets.push_back(t.offsets.back());
      any_value.push_back(0);
      first_line.push_back(line);
    } else if (it->second != current) {
      return fail(line, "rows of subject " + Quote(id) +
                            " are not contiguous (first seen on line " +
                            std::to_string(first_line[it->second]) + ")");
    } else {
      const double prev = t.times.back();
      if (!(time > prev)) {
        return fail(line,
                    "subject " + Quote(id) + " visit at TIME " +
                        std::string(fields[1]) +
                        (time == prev ? " duplicates" : " is before") +
                        " the visit on line " + std::to_string(t.lines.back()) +
                        " (visits must be sorted by TIME, without duplicates)");
      }
    }
    for (std::size_t c = 0; c < k; ++c) {
      const std::string_view cell = fields[c + 2];
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!IsMissing(cell)) {
        if (!ParseNumber(cell, &v)) {
          return fail(line, "column " + Quote(t.features[c]) + ": " +
                                Quote(cell) + " is not a finite number");
        }
        any_value[current] = 1;
      }
      t.values.push_back(v);
    }
    t.times.push_back(time);
    t.lines.push_back(line);
    t.offsets.back() = static_cast<int>(t.times.size());
  }
  if (t.subject_ids.empty())
    return DataLossError(n + ": no data row after the header");
  for (std::size_t i = 0; i < t.subject_ids.size(); ++i) {
    if (!any_value[i]) {
      return fail(first_line[i], "subject " + Quote(t.subject_ids[i]) +
                                     " has no measured value");
    }
  }
  return t;
}

Result<CohortTable> ReadCohortCsv(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFoundError(path.string() + ": cannot open");
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  return ParseCohortCsv(text, path.filename().string());
}

}  // namespace jumeau::io
