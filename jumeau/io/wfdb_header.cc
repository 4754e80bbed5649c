// ParseWfdbHeader(): the .hea grammar (record line, signal lines, segment
// lines, comments) after the WFDB header specification (header(5), version
// 10), strict about malformed numbers and lenient about extra fields.
#include "jumeau/io/wfdb_header.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "jumeau/io/internal/message.h"

namespace jumeau::io {
namespace {

// Upper bounds that keep later arithmetic in range; real records are far
// below them.
constexpr int64_t kMaxSignals = 100000;
constexpr int64_t kMaxSegments = 10000000;
constexpr int64_t kMaxSamplesPerFrame = 1 << 20;
constexpr int64_t kMaxSamplesPerSignal = int64_t{1} << 48;
constexpr int64_t kMaxByteOffset = int64_t{1} << 48;

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits off the next whitespace-delimited token of `*rest`.
std::string_view NextToken(std::string_view* rest) {
  std::string_view s = *rest;
  size_t i = 0;
  while (i < s.size() && IsBlank(s[i])) ++i;
  size_t j = i;
  while (j < s.size() && !IsBlank(s[j])) ++j;
  *rest = s.substr(j);
  return s.substr(i, j - i);
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

// Checks that `s` is valid UTF-8 without control characters (tab allowed).
bool ValidUtf8Text(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
        (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view file_name) : file_name_(file_name) {}

  Status Error(int line, const std::string& reason) const {
    return DataLossError(std::string(file_name_) + " line " +
                         std::to_string(line) + ": " + reason);
  }

  // Checks that a structural part of a line (everything but descriptions
  // and comments) is printable ASCII.
  Status CheckAscii(int line, std::string_view s) const {
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "non-ASCII byte 0x%02X at column %zu", c,
                      i + 1);
        return Error(line, buf);
      }
      if ((c < 0x20 && !IsBlank(static_cast<char>(c))) || c == 0x7f) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "control character 0x%02X at column %zu",
                      c, i + 1);
        return Error(line, buf);
      }
    }
    return Status::Ok();
  }

  Status ParseRecordLine(int line, std::string_view text, WfdbHeader* h) {
    JUMEAU_RETURN_IF_ERROR(CheckAscii(line, text));
    std::string_view rest = text;
    const std::string_view name_tok = NextToken(&rest);
    std::string_view name = name_tok;
    if (const size_t slash = name_tok.find('/');
        slash != std::string_view::npos) {
      name = name_tok.substr(0, slash);
      const std::string_view nseg = name_tok.substr(slash + 1);
      int64_t n;
      if (!ParseInt(nseg, &n) || n <= 0 || n > kMaxSegments) {
        return Error(line, "number of segments " +
                               internal::QuoteForMessage(nseg) +
                               " is not a positive integer (at most " +
                               std::to_string(kMaxSegments) + ")");
      }
      h->number_of_segments = static_cast<int>(n);
    }
    JUMEAU_RETURN_IF_ERROR(CheckName(line, name, "record name"));
    h->record_name = std::string(name);

    const std::string_view nsig = NextToken(&rest);
    if (nsig.empty())
      return Error(line, "record line has no number of signals");
    int64_t n;
    if (!ParseInt(nsig, &n) || n < 0 || n > kMaxSignals) {
      return Error(line, "number of signals " +
                             internal::QuoteForMessage(nsig) +
                             " is not a non-negative integer (at most " +
                             std::to_string(kMaxSignals) + ")");
    }
    h->number_of_signals = static_cast<int>(n);

    const std::string_view freq_tok = NextToken(&rest);
    if (freq_tok.empty()) {
      h->warnings.push_back(
          std::string(file_name_) + " line " + std::to_string(line) +
          ": no sampling frequency; assuming 250 Hz as WFDB does");
      return Status::Ok();
    }
    JUMEAU_RETURN_IF_ERROR(ParseFrequency(line, freq_tok, h));

    const std::string_view nsamp = NextToken(&rest);
    if (nsamp.empty()) return Status::Ok();
    int64_t ns;
    if (!ParseInt(nsamp, &ns) || ns < 0 || ns > kMaxSamplesPerSignal) {
      return Error(line, "number of samples per signal " +
                             internal::QuoteForMessage(nsamp) +
                             " is not a non-negative integer");
    }
    h->samples_per_signal = ns;
    h->samples_per_signal_present = ns > 0;

    const std::string_view time_tok = NextToken(&rest);
    if (time_tok.empty()) return Status::Ok();
    JUMEAU_RETURN_IF_ERROR(ParseBaseTime(line, time_tok, h));

    const std::string_view date_tok = NextToken(&rest);
    if (date_tok.empty()) return Status::Ok();
    JUMEAU_RETURN_IF_ERROR(ParseBaseDate(line, date_tok, h));

    const std::string_view extra = Trim(rest);
    if (!extra.empty()) {
      h->warnings.push_back(std::string(file_name_) + " line " +
                            std::to_string(line) +
                            ": ignored extra record-line text " +
                            internal::QuoteForMessage(extra));
    }
    return Status::Ok();
  }

  // "freq[/counter_freq[(base_counter)]]".
  Status ParseFrequency(int line, std::string_view tok, WfdbHeader* h) {
    std::string_view freq = tok;
    std::string_view counter;
    if (const size_t slash = tok.find('/'); slash != std::string_view::npos) {
      freq = tok.substr(0, slash);
      counter = tok.substr(slash + 1);
    }
    Result<SampleRate> rate = SampleRate::FromDecimal(freq);
    if (!rate.ok()) {
      return Error(line, "impossible sampling frequency " +
                             internal::QuoteForMessage(freq) +
                             " (must be a positive decimal number)");
    }
    h->frequency = *rate;
    h->frequency_present = true;
    h->frequency_text = std::string(freq);
    if (tok.find('/') == std::string_view::npos) return Status::Ok();
    std::string_view cf = counter;
    if (const size_t paren = counter.find('(');
        paren != std::string_view::npos) {
      cf = counter.substr(0, paren);
      std::string_view base = counter.substr(paren + 1);
      if (base.empty() || base.back() != ')') {
        return Error(line, "base counter value in " +
                               internal::QuoteForMessage(tok) +
                               " lacks its ')'");
      }
      base.remove_suffix(1);
      double b;
      if (!ParseDouble(base, &b)) {
        return Error(line, "base counter value " +
                               internal::QuoteForMessage(base) +
                               " is not a number");
      }
      h->base_counter = b;
    }
    double c;
    if (!ParseDouble(cf, &c)) {
      return Error(line, "counter frequency " + internal::QuoteForMessage(cf) +
                             " is not a number");
    }
    h->counter_frequency = c;
    return Status::Ok();
  }

  // "HH:MM:SS[.fff]" (also "H:M:S"); "MM:SS" and "SS" as WFDB's strtim allows.
  Status ParseBaseTime(int line, std::string_view tok, WfdbHeader* h) {
    std::string_view parts[3];
    int n = 0;
    std::string_view rest = tok;
    while (true) {
      const size_t colon = rest.find(':');
      if (n == 3)
        return Error(line, "base time " + internal::QuoteForMessage(tok) +
                               " is not HH:MM:SS");
      parts[n++] = rest.substr(0, colon);
      if (colon == std::string_view::npos) break;
      rest = rest.substr(colon + 1);
    }
    int64_t hms[3] = {0, 0, 0};
    int64_t nanos = 0;
    for (int i = 0; i < n; ++i) {
      std::string_view p = parts[i];
      const bool last = i == n - 1;
      if (last) {
        if (const size_t dot = p.find('.'); dot != std::string_view::npos) {
          std::string_view frac = p.substr(dot + 1);
          p = p.substr(0, dot);
          int64_t scale = 100000000;
          for (char c : frac) {
            if (c < '0' || c > '9')
              return Error(line, "base time " + internal::QuoteForMessage(tok) +
                                     " is not HH:MM:SS");
            nanos += (c - '0') * scale;
            scale /= 10;
          }
        }
      }
      int64_t v;
      if (p.empty() || p.front() == '-' || p.front() == '+' ||
          !ParseInt(p, &v)) {
        return Error(line, "base time " + internal::QuoteForMessage(tok) +
                               " is not HH:MM:SS");
      }
      hms[3 - n + i] = v;
    }
    if (hms[0] > 23 || hms[1] > 59 || hms[2] > 59) {
      return Error(line, "base time " + internal::QuoteForMessage(tok) +
                             " is out of range");
    }
    h->base_time_present = true;
    h->base_hour = static_cast<int>(hms[0]);
    h->base_minute = static_cast<int>(hms[1]);
    h->base_second = static_cast<int>(hms[2]);
    h->base_nanosecond = nanos;
    return Status::Ok();
  }

  // "DD/MM/YYYY".
  Status ParseBaseDate(int line, std::string_view tok, WfdbHeader* h) {
    const size_t a = tok.find('/');
    const size_t b = a == std::string_view::npos ? a : tok.find('/', a + 1);
    int64_t d, m, y;
    if (b == std::string_view::npos || !ParseInt(tok.substr(0, a), &d) ||
        !ParseInt(tok.substr(a + 1, b - a - 1), &m) ||
        !ParseInt(tok.substr(b + 1), &y) || tok.substr(0, 1) == "-" ||
        tok.substr(a + 1, 1) == "-" || tok.substr(b + 1, 1) == "-") {
      return Error(line, "base date " + internal::QuoteForMessage(tok) +
                             " is not DD/MM/YYYY");
    }
    CivilTime civil;
    if (y > 9999 || m > 12 || d > 31) {
      return Error(line, "base date " + internal::QuoteForMessage(tok) +
                             " is not a valid date");
    }
    civil.year = static_cast<int>(y);
    civil.month = static_cast<int>(m);
    civil.day = static_cast<int>(d);
    // Time (int64 ns since 1970) spans 1677-09-21 to 2262-04-11.
    if (civil.year < 1678 || civil.year > 2261) {
      return Error(line, "base date " + internal::QuoteForMessage(tok) +
                             " is outside the years 1678 to 2261");
    }
    if (!ValidCivil(civil))
      return Error(line, "base date " + internal::QuoteForMessage(tok) +
                             " is not a valid date");
    h->base_date_present = true;
    h->base_year = civil.year;
    h->base_month = civil.month;
    h->base_day = civil.day;
    return Status::Ok();
  }

  // Record, segment and signal file names: letters, digits, '_', '-', '.',
  // '+', '~'; not starting with '.' and never a path.
  Status CheckName(int line, std::string_view name, const char* what) const {
    if (name.empty()) return Error(line, std::string(what) + " is empty");
    for (char c : name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                      c == '.' || c == '+' || c == '~';
      if (!ok)
        return Error(line, std::string(what) + " " +
                               internal::QuoteForMessage(name) +
                               " has a character other than letters, digits, "
                               "'_', '-', '.', '+', '~'");
    }
    if (name.front() == '.')
      return Error(line, std::string(what) + " " +
                             internal::QuoteForMessage(name) +
                             " starts with '.'");
    return Status::Ok();
  }

  // "fmt[xspf][:skew][+offset]".
  Status ParseFormat(int line, std::string_view tok, WfdbSignalSpec* s) {
    size_t i = 0;
    auto digits = [&](int64_t* out) -> bool {
      const size_t start = i;
      while (i < tok.size() && tok[i] >= '0' && tok[i] <= '9') ++i;
      return i > start && ParseInt(tok.substr(start, i - start), out);
    };
    int64_t fmt;
    if (!digits(&fmt))
      return Error(line, "signal format " + internal::QuoteForMessage(tok) +
                             " is not a number");
    int64_t spf = 1, skew = 0, offset = 0;
    if (i < tok.size() && tok[i] == 'x') {
      ++i;
      if (!digits(&spf) || spf < 1 || spf > kMaxSamplesPerFrame) {
        return Error(line, "samples per frame in " +
                               internal::QuoteForMessage(tok) +
                               " is not a positive integer (at most " +
                               std::to_string(kMaxSamplesPerFrame) + ")");
      }
    }
    if (i < tok.size() && tok[i] == ':') {
      ++i;
      if (!digits(&skew) || skew > kMaxSamplesPerSignal) {
        return Error(line, "skew in " + internal::QuoteForMessage(tok) +
                               " is not a non-negative integer");
      }
    }
    if (i < tok.size() && tok[i] == '+') {
      ++i;
      if (!digits(&offset) || offset > kMaxByteOffset) {
        return Error(line, "byte offset in " + internal::QuoteForMessage(tok) +
                               " is not a non-negative integer");
      }
    }
    if (i != tok.size())
      return Error(line,
                   "malformed signal format " + internal::QuoteForMessage(tok));
    switch (fmt) {
      case 0:
      case 8:
      case 16:
      case 24:
      case 32:
      case 61:
      case 80:
      case 160:
      case 212:
      case 310:
      case 311:
        break;
      case 508:
      case 516:
      case 524:
        return Status(StatusCode::kUnimplemented,
                      std::string(file_name_) + " line " +
                          std::to_string(line) +
                          ": FLAC-compressed signal format " +
                          std::to_string(fmt) + " is not supported");
      default:
        return Error(line, "unknown signal format " +
                               internal::QuoteForMessage(
                                   tok.substr(0, tok.find_first_of("x:+"))));
    }
    s->format = static_cast<int>(fmt);
    s->samples_per_frame = static_cast<int>(spf);
    s->skew = skew;
    s->byte_offset = offset;
    return Status::Ok();
  }

  // "gain[(baseline)][/units]".
  Status ParseGain(int line, std::string_view tok, WfdbSignalSpec* s) {
    std::string_view g = tok;
    const size_t paren = tok.find('(');
    const size_t slash = tok.find('/');
    size_t gain_end = std::min(paren, slash);
    g = tok.substr(0, gain_end);
    double gain;
    if (!ParseDouble(g, &gain))
      return Error(line, "ADC gain " + internal::QuoteForMessage(g) +
                             " is not a number");
    s->adc_gain = gain;
    s->gain_present = true;
    size_t i = gain_end;
    if (i < tok.size() && tok[i] == '(') {
      const size_t close = tok.find(')', i);
      if (close == std::string_view::npos) {
        return Error(line, "baseline in " + internal::QuoteForMessage(tok) +
                               " lacks its ')'");
      }
      const std::string_view b = tok.substr(i + 1, close - i - 1);
      int64_t base;
      if (!ParseInt(b, &base) || base < -(int64_t{1} << 40) ||
          base > (int64_t{1} << 40)) {
        return Error(line, "baseline " + internal::QuoteForMessage(b) +
                               " is not an integer");
      }
      s->baseline = base;
      s->baseline_present = true;
      i = close + 1;
    }
    if (i < tok.size()) {
      if (tok[i] != '/' || i + 1 >= tok.size()) {
        return Error(
            line, "malformed ADC gain field " + internal::QuoteForMessage(tok));
      }
      s->units = std::string(tok.substr(i + 1));
    }
    return Status::Ok();
  }

  Status ParseSignalLine(int line, std::string_view text, WfdbSignalSpec* s) {
    s->line = line;
    // Descriptions may hold UTF-8; every other field must be ASCII. Find the
    // end of the eighth field first.
    std::string_view rest = text;
    std::string_view toks[8];
    int n = 0;
    while (n < 8) {
      const std::string_view t = NextToken(&rest);
      if (t.empty()) break;
      toks[n++] = t;
    }
    const std::string_view structural =
        text.substr(0, text.size() - rest.size());
    JUMEAU_RETURN_IF_ERROR(CheckAscii(line, structural));
    const std::string_view description = Trim(rest);
    if (!ValidUtf8Text(description)) {
      return Error(line,
                   "signal description is not valid UTF-8 text (control "
                   "character or malformed byte)");
    }
    if (n < 2)
      return Error(line, "signal line needs at least a file name and a format");
    if (toks[0] == "-") {
      return Status(StatusCode::kUnimplemented,
                    std::string(file_name_) + " line " + std::to_string(line) +
                        ": signal file '-' (standard input) is not supported");
    }
    JUMEAU_RETURN_IF_ERROR(CheckName(line, toks[0], "signal file name"));
    s->file_name = std::string(toks[0]);
    JUMEAU_RETURN_IF_ERROR(ParseFormat(line, toks[1], s));
    if (n > 2) JUMEAU_RETURN_IF_ERROR(ParseGain(line, toks[2], s));
    int64_t v;
    if (n > 3) {
      if (!ParseInt(toks[3], &v) || v < 0 || v > 32) {
        return Error(line, "ADC resolution " +
                               internal::QuoteForMessage(toks[3]) +
                               " is not an integer from 0 to 32");
      }
      s->adc_resolution = static_cast<int>(v);
    }
    s->resolved_adc_resolution = s->adc_resolution > 0
                                     ? s->adc_resolution
                                     : DefaultWfdbAdcResolution(s->format);
    if (n > 4) {
      if (!ParseInt(toks[4], &v) || v < INT32_MIN || v > INT32_MAX) {
        return Error(line, "ADC zero " + internal::QuoteForMessage(toks[4]) +
                               " is not a 32-bit integer");
      }
      s->adc_zero = v;
    }
    if (!s->baseline_present) s->baseline = s->adc_zero;
    s->initial_value = s->adc_zero;
    if (n > 5) {
      if (!ParseInt(toks[5], &v) || v < INT32_MIN || v > INT32_MAX) {
        return Error(line, "initial value " +
                               internal::QuoteForMessage(toks[5]) +
                               " is not a 32-bit integer");
      }
      s->initial_value = v;
      s->initial_value_present = true;
    }
    if (n > 6) {
      if (!ParseInt(toks[6], &v) || v < -(int64_t{1} << 40) ||
          v > (int64_t{1} << 40)) {
        return Error(line, "checksum " + internal::QuoteForMessage(toks[6]) +
                               " is not an integer");
      }
      s->checksum = v;
    }
    if (n > 7) {
      if (!ParseInt(toks[7], &v) || v < INT32_MIN || v > INT32_MAX) {
        return Error(line, "block size " + internal::QuoteForMessage(toks[7]) +
                               " is not an integer");
      }
      s->block_size = v;
    }
    s->description = std::string(description);
    return Status::Ok();
  }

  Status ParseSegmentLine(int line, std::string_view text,
                          WfdbSegmentSpec* seg) {
    JUMEAU_RETURN_IF_ERROR(CheckAscii(line, text));
    seg->line = line;
    std::string_view rest = text;
    const std::string_view name = NextToken(&rest);
    const std::string_view nsamp = NextToken(&rest);
    if (nsamp.empty())
      return Error(line, "segment line needs a record name and a length");
    JUMEAU_RETURN_IF_ERROR(CheckName(line, name, "segment record name"));
    int64_t n;
    if (!ParseInt(nsamp, &n) || n < 0 || n > kMaxSamplesPerSignal) {
      return Error(line, "segment length " + internal::QuoteForMessage(nsamp) +
                             " is not a non-negative integer");
    }
    seg->record_name = std::string(name);
    seg->samples = n;
    if (!Trim(rest).empty()) {
      warnings_.push_back(std::string(file_name_) + " line " +
                          std::to_string(line) +
                          ": ignored extra segment-line text " +
                          internal::QuoteForMessage(Trim(rest)));
    }
    return Status::Ok();
  }

  std::vector<std::string> warnings_;

 private:
  std::string_view file_name_;
};

}  // namespace

int DefaultWfdbAdcResolution(int format) {
  switch (format) {
    case 8:
    case 310:
    case 311:
      return 10;
    case 80:
      return 8;
    default:
      return 12;
  }
}

Time WfdbHeader::StartTime() const {
  CivilTime c;
  c.year = base_year;
  c.month = base_month;
  c.day = base_day;
  c.hour = base_hour;
  c.minute = base_minute;
  c.second = base_second;
  c.nanosecond = base_nanosecond;
  return FromCivil(c);
}

Result<WfdbHeader> ParseWfdbHeader(std::string_view text,
                                   std::string_view file_name) {
  WfdbHeader h;
  Parser p(file_name);
  bool have_record = false;
  size_t needed = 0;
  int line_no = 0;
  int last_line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find('\0') != std::string_view::npos) {
      return p.Error(line_no, "NUL byte in header text");
    }
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty()) continue;
    if (trimmed.front() == '#') {
      const std::string_view info = Trim(trimmed.substr(1));
      if (!ValidUtf8Text(info)) {
        return p.Error(line_no,
                       "comment is not valid UTF-8 text (control character or "
                       "malformed byte)");
      }
      h.info.emplace_back(info);
      continue;
    }
    last_line = line_no;
    if (!have_record) {
      JUMEAU_RETURN_IF_ERROR(p.ParseRecordLine(line_no, trimmed, &h));
      have_record = true;
      needed = h.number_of_segments ? static_cast<size_t>(*h.number_of_segments)
                                    : static_cast<size_t>(h.number_of_signals);
      continue;
    }
    if (h.number_of_segments) {
      if (h.segments.size() >= needed) {
        p.warnings_.push_back(std::string(file_name) + " line " +
                              std::to_string(line_no) +
                              ": ignored segment line beyond the " +
                              std::to_string(needed) + " declared");
        continue;
      }
      WfdbSegmentSpec seg;
      JUMEAU_RETURN_IF_ERROR(p.ParseSegmentLine(line_no, trimmed, &seg));
      h.segments.push_back(std::move(seg));
    } else {
      if (h.signals.size() >= needed) {
        p.warnings_.push_back(std::string(file_name) + " line " +
                              std::to_string(line_no) +
                              ": ignored signal line beyond the " +
                              std::to_string(needed) + " declared");
        continue;
      }
      WfdbSignalSpec sig;
      JUMEAU_RETURN_IF_ERROR(p.ParseSignalLine(line_no, trimmed, &sig));
      h.signals.push_back(std::move(sig));
    }
  }
  if (!have_record) return p.Error(line_no > 0 ? line_no : 1, "no record line");
  const size_t have =
      h.number_of_segments ? h.segments.size() : h.signals.size();
  if (have < needed) {
    return p.Error(last_line,
                   std::string("record line declares ") +
                       std::to_string(needed) +
                       (h.number_of_segments ? " segments" : " signals") +
                       " but only " + std::to_string(have) + " are given");
  }
  h.warnings.insert(h.warnings.end(), p.warnings_.begin(), p.warnings_.end());
  return h;
}

}  // namespace jumeau::io
