// TVB connectome reader (connectome.h): text matrices parsed with
// std::from_chars, zips read from memory with libzip.
#include "jumeau/io/connectome.h"

#include <fmt/format.h>
#include <zip.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace jumeau::io {
namespace {

constexpr std::size_t kMaxMemberBytes = 64u << 20;  // per file, uncompressed

// One whitespace-separated text table: rows of tokens, with line numbers.
struct Row {
  int line = 0;
  std::vector<std::string_view> tokens;
};

std::vector<Row> SplitRows(std::string_view text) {
  std::vector<Row> rows;
  int line = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line;
    std::string_view l = text.substr(pos, end - pos);
    Row row;
    row.line = line;
    std::size_t i = 0;
    while (i < l.size()) {
      while (i < l.size() && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r' ||
                              l[i] == ',' || l[i] == '\f' || l[i] == '\v'))
        ++i;
      std::size_t j = i;
      while (j < l.size() && !(l[j] == ' ' || l[j] == '\t' || l[j] == '\r' ||
                               l[j] == ',' || l[j] == '\f' || l[j] == '\v'))
        ++j;
      if (j > i) row.tokens.push_back(l.substr(i, j - i));
      i = j;
    }
    if (!row.tokens.empty()) rows.push_back(std::move(row));
    if (end == text.size()) break;
    pos = end + 1;
  }
  return rows;
}

Result<double> ParseNumber(std::string_view token, std::string_view file,
                           int line) {
  double v = 0;
  std::string_view t = token;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || t.empty())
    return DataLossError(fmt::format("{} line {}: '{}' is not a number", file,
                                     line, std::string(token.substr(0, 40))));
  if (!std::isfinite(v))
    return DataLossError(fmt::format("{} line {}: value '{}' is not finite",
                                     file, line,
                                     std::string(token.substr(0, 40))));
  return v;
}

// Parses a rows x cols numeric table (cols fixed; rows = expected_rows or,
// when -1, whatever the file holds, checked against kMaxConnectomeRegions).
Result<std::vector<double>> ParseMatrix(std::string_view text,
                                        std::string_view file,
                                        int expected_rows, int cols,
                                        bool non_negative) {
  const std::vector<Row> rows = SplitRows(text);
  if (expected_rows >= 0 && static_cast<int>(rows.size()) != expected_rows)
    return DataLossError(fmt::format("{}: expected {} rows, found {}", file,
                                     expected_rows, rows.size()));
  std::vector<double> out;
  out.reserve(rows.size() * static_cast<std::size_t>(cols));
  for (const Row& r : rows) {
    if (static_cast<int>(r.tokens.size()) != cols)
      return DataLossError(
          fmt::format("{} line {}: expected {} values, found {}", file, r.line,
                      cols, r.tokens.size()));
    for (std::string_view t : r.tokens) {
      JUMEAU_ASSIGN_OR_RETURN(double v, ParseNumber(t, file, r.line));
      if (non_negative && v < 0)
        return DataLossError(
            fmt::format("{} line {}: value {} is negative", file, r.line, v));
      out.push_back(v);
    }
  }
  return out;
}

std::string BaseName(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? name
                                                     : name.substr(slash + 1));
}

const std::string* Find(const std::map<std::string, std::string>& files,
                        std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = files.find(n);
    if (it != files.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace

Result<Connectome> ParseConnectomeFiles(
    const std::map<std::string, std::string>& files) {
  for (const auto& [name, content] : files) {
    if (name.size() > 4 && (name.ends_with(".bz2") || name.ends_with(".gz")) &&
        (name.starts_with("weights") || name.starts_with("tract") ||
         name.starts_with("centres")))
      return UnimplementedError(
          fmt::format("{}: compressed connectome members are not supported; "
                      "decompress it first",
                      name));
  }
  const std::string* centres = Find(files, {"centres.txt", "centers.txt"});
  const std::string* weights = Find(files, {"weights.txt"});
  const std::string* lengths =
      Find(files, {"tract_lengths.txt", "tract_length.txt", "tracts.txt"});
  if (centres == nullptr)
    return DataLossError("connectome: centres.txt is missing");
  if (weights == nullptr)
    return DataLossError("connectome: weights.txt is missing");
  if (lengths == nullptr)
    return DataLossError("connectome: tract_lengths.txt is missing");

  Connectome c;
  // centres.txt: "label x y z" per line.
  const std::vector<Row> rows = SplitRows(*centres);
  if (rows.empty()) return DataLossError("centres.txt: no regions");
  if (static_cast<int>(rows.size()) > kMaxConnectomeRegions)
    return DataLossError(
        fmt::format("centres.txt: {} regions exceed the limit {}", rows.size(),
                    kMaxConnectomeRegions));
  for (const Row& r : rows) {
    if (r.tokens.size() != 4)
      return DataLossError(fmt::format(
          "centres.txt line {}: expected 'label x y z', found {} fields",
          r.line, r.tokens.size()));
    c.labels.emplace_back(r.tokens[0]);
    for (int a = 1; a <= 3; ++a) {
      JUMEAU_ASSIGN_OR_RETURN(double v,
                              ParseNumber(r.tokens[a], "centres.txt", r.line));
      c.centres_mm.push_back(v);
    }
  }
  const int n = c.regions();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j)
      if (c.labels[i] == c.labels[j]) {
        c.warnings.push_back(fmt::format(
            "centres.txt line {}: region label '{}' repeats line {}",
            rows[i].line, c.labels[i], rows[j].line));
        break;
      }
  JUMEAU_ASSIGN_OR_RETURN(c.weights,
                          ParseMatrix(*weights, "weights.txt", n, n, true));
  JUMEAU_ASSIGN_OR_RETURN(
      c.tract_lengths_mm,
      ParseMatrix(*lengths, "tract_lengths.txt", n, n, true));
  if (const std::string* f = Find(files, {"cortical.txt"})) {
    JUMEAU_ASSIGN_OR_RETURN(auto v,
                            ParseMatrix(*f, "cortical.txt", n, 1, true));
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] != 0.0 && v[i] != 1.0)
        return DataLossError(
            fmt::format("cortical.txt: flag {} of region {} is neither 0 nor 1",
                        v[i], i + 1));
      c.cortical.push_back(v[i] != 0.0);
    }
  }
  if (const std::string* f = Find(files, {"areas.txt"})) {
    JUMEAU_ASSIGN_OR_RETURN(c.areas_mm2,
                            ParseMatrix(*f, "areas.txt", n, 1, true));
  }
  if (const std::string* f = Find(files, {"average_orientations.txt"})) {
    JUMEAU_ASSIGN_OR_RETURN(
        c.orientations,
        ParseMatrix(*f, "average_orientations.txt", n, 3, false));
  }
  for (int i = 0; i < n; ++i)
    if (c.tract_lengths_mm[static_cast<std::size_t>(i) * n + i] != 0.0) {
      c.warnings.push_back(
          "tract_lengths.txt: non-zero self-connection lengths");
      break;
    }
  return c;
}

Result<Connectome> ReadConnectomeZip(std::span<const uint8_t> bytes,
                                     std::string_view name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source =
      zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    const std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    return DataLossError(fmt::format("{}: {}", name, msg));
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    const std::string msg = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    return DataLossError(fmt::format("{}: not a readable zip ({})", name, msg));
  }
  zip_error_fini(&error);
  std::unique_ptr<zip_t, void (*)(zip_t*)> guard(
      archive, [](zip_t* z) { zip_discard(z); });
  std::map<std::string, std::string> files;
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t k = 0; k < entries; ++k) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, k, 0, &st) != 0 || st.name == nullptr) continue;
    const std::string base = BaseName(st.name);
    if (base.empty() || base.starts_with(".")) continue;
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > kMaxMemberBytes)
      return DataLossError(fmt::format(
          "{}: member {} is too large or of unknown size", name, base));
    zip_file_t* f = zip_fopen_index(archive, k, 0);
    if (f == nullptr)
      return DataLossError(
          fmt::format("{}: member {}: {}", name, base, zip_strerror(archive)));
    std::string content(static_cast<std::size_t>(st.size), '\0');
    const zip_int64_t got =
        content.empty() ? 0 : zip_fread(f, content.data(), st.size);
    zip_fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
      return DataLossError(fmt::format(
          "{}: member {} is truncated or corrupt (read {} of {} bytes)", name,
          base, got, st.size));
    files[base] = std::move(content);
  }
  Result<Connectome> c = ParseConnectomeFiles(files);
  if (!c.ok())
    return Status(c.status().code(),
                  fmt::format("{}: {}", name, c.status().message()));
  return c;
}

Result<Connectome> ReadConnectome(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return NotFoundError(
        fmt::format("{}: no such file or folder", path.string()));
  const auto slurp = [](const std::filesystem::path& p) -> Result<std::string> {
    std::ifstream in(p, std::ios::binary);
    if (!in) return IoError(fmt::format("{}: cannot open", p.string()));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return IoError(fmt::format("{}: read failed", p.string()));
    return ss.str();
  };
  if (std::filesystem::is_directory(path, ec)) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (!entry.is_regular_file()) continue;
      const std::string base = entry.path().filename().string();
      if (!(base.ends_with(".txt") || base.ends_with(".bz2"))) continue;
      if (entry.file_size() > kMaxMemberBytes)
        return DataLossError(
            fmt::format("{}: too large", entry.path().string()));
      JUMEAU_ASSIGN_OR_RETURN(files[base], slurp(entry.path()));
    }
    if (ec) return IoError(fmt::format("{}: {}", path.string(), ec.message()));
    Result<Connectome> c = ParseConnectomeFiles(files);
    if (!c.ok())
      return Status(c.status().code(),
                    fmt::format("{}/{}", path.string(), c.status().message()));
    return c;
  }
  JUMEAU_ASSIGN_OR_RETURN(std::string bytes, slurp(path));
  return ReadConnectomeZip(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()),
                               bytes.size()),
      path.string());
}

Result<SensorGain> ParseSensorGain(std::string_view text, std::string_view name,
                                   int regions) {
  if (regions < 1 || regions > kMaxConnectomeRegions)
    return InvalidArgumentError(
        fmt::format("{}: {} regions is out of range", name, regions));
  SensorGain g;
  g.regions = regions;
  for (const Row& r : SplitRows(text)) {
    if (static_cast<int>(r.tokens.size()) != regions + 1)
      return DataLossError(fmt::format(
          "{} line {}: expected a sensor label and {} gains, found {} fields",
          name, r.line, regions, r.tokens.size()));
    g.labels.emplace_back(r.tokens[0]);
    for (int k = 1; k <= regions; ++k) {
      JUMEAU_ASSIGN_OR_RETURN(double v, ParseNumber(r.tokens[k], name, r.line));
      g.gain.push_back(v);
    }
    if (g.labels.size() > 4096)
      return DataLossError(fmt::format("{}: more than 4096 sensors", name));
  }
  if (g.labels.empty())
    return DataLossError(fmt::format("{}: no sensors", name));
  return g;
}

Result<SensorGain> ReadSensorGain(const std::filesystem::path& path,
                                  int regions) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return NotFoundError(fmt::format("{}: no such file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(fmt::format("{}: cannot open", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseSensorGain(ss.str(), path.filename().string(), regions);
}

std::string ConnectomeHash(const Connectome& c) {
  uint64_t h = 1469598103934665603ull;
  const auto mix = [&](const void* p, std::size_t len) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < len; ++i) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  };
  const uint64_t n = c.labels.size();
  mix(&n, sizeof n);
  for (const std::string& l : c.labels) {
    mix(l.data(), l.size());
    mix("\0", 1);
  }
  for (const auto* v : {&c.weights, &c.tract_lengths_mm, &c.centres_mm}) {
    for (double d : *v) mix(&d, sizeof d);
  }
  return fmt::format("{:016x}", h);
}

}  // namespace jumeau::io
