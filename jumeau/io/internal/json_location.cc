// The JSON location scanner behind json_location.h: an iterative RFC 8259
// validator with an explicit stack that knows the JSON pointer of every value
// it passes. Runs only when something went wrong (or for a warning's first
// location), so it favours clarity over speed.
#include "jumeau/io/internal/json_location.h"

#include <charconv>
#include <system_error>
#include <vector>

namespace jumeau::io::internal {
namespace {

bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool IsDelimiter(char c) {
  return IsWhitespace(c) || c == ',' || c == ']' || c == '}';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0
// when it is not valid (RFC 3629: no overlong forms, no surrogates, <=
// U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) -> int {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : -1;
  };
  const int c0 = b(0);
  const auto cont = [](int c) { return c >= 0x80 && c <= 0xBF; };
  if (c0 >= 0xC2 && c0 <= 0xDF) return cont(b(1)) ? 2 : 0;
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    const int c1 = b(1);
    const bool ok1 = c0 == 0xE0   ? (c1 >= 0xA0 && c1 <= 0xBF)
                     : c0 == 0xED ? (c1 >= 0x80 && c1 <= 0x9F)
                                  : cont(c1);
    return ok1 && cont(b(2)) ? 3 : 0;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    const int c1 = b(1);
    const bool ok1 = c0 == 0xF0   ? (c1 >= 0x90 && c1 <= 0xBF)
                     : c0 == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F)
                                  : cont(c1);
    return ok1 && cont(b(2)) && cont(b(3)) ? 4 : 0;
  }
  return 0;
}

// The decimal exponent of a valid JSON number, roughly (floor(log10|x|) up
// to one): only its sign matters, to tell overflow from underflow.
int64_t DecimalExponent(std::string_view number) {
  size_t i = number.front() == '-' ? 1 : 0;
  int64_t magnitude = 0;
  bool nonzero_integer = false;
  for (; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) {
    if (number[i] != '0') nonzero_integer = true;
    if (nonzero_integer) ++magnitude;
  }
  if (nonzero_integer) {
    --magnitude;
  } else if (i < number.size() && number[i] == '.') {
    magnitude = -1;
    for (++i; i < number.size() && number[i] == '0'; ++i) --magnitude;
  }
  while (i < number.size() && number[i] != 'e' && number[i] != 'E') ++i;
  if (i < number.size()) {
    ++i;
    bool negative = false;
    if (i < number.size() && (number[i] == '+' || number[i] == '-')) {
      negative = number[i++] == '-';
    }
    int64_t e = 0;
    for (; i < number.size(); ++i) {
      if (e < int64_t{1} << 40) e = e * 10 + (number[i] - '0');
    }
    magnitude += negative ? -e : e;
  }
  return magnitude;
}

// The scanner. Run() walks the whole text (or until the visitor asks to
// stop), keeping the path of the current value on an explicit stack.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  // Calls visit(offset) at the start of every value, with path() describing
  // it; stops as soon as visit returns true. Returns the first syntax error
  // met before stopping, or nullopt.
  template <typename Visit>
  std::optional<JsonSyntaxError> Run(Visit&& visit) {
    size_t i = 0;
    SkipWhitespace(&i);
    bool want_value = true;
    while (true) {
      if (want_value) {
        if (visit(i)) return std::nullopt;
        if (i >= s_.size()) return Error(i, "unexpected end of input");
        const char c = s_[i];
        if (c == '{' || c == '[') {
          if (static_cast<int>(stack_.size()) >= kJsonMaxDepth) {
            return Error(i, "nesting deeper than " +
                                std::to_string(kJsonMaxDepth) + " levels");
          }
          stack_.push_back(Frame{c == '{', 0, {}, false});
          ++i;
          SkipWhitespace(&i);
          const char close = c == '{' ? '}' : ']';
          if (i < s_.size() && s_[i] == close) {
            ++i;
            stack_.pop_back();
            want_value = false;
            continue;
          }
          if (c == '{') {
            if (auto e = ReadMemberKey(&i, "expected a string key or '}'")) {
              return e;
            }
          }
          continue;  // want_value stays true
        }
        if (c == '"') {
          if (auto e = ReadString(&i, nullptr)) return e;
        } else if (c == 't' || c == 'f' || c == 'n') {
          if (auto e = ReadLiteral(&i)) return e;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
          if (auto e = ReadNumber(&i)) return e;
        } else {
          return Error(i, "expected a value");
        }
        want_value = false;
        continue;
      }
      // After a value.
      SkipWhitespace(&i);
      if (stack_.empty()) {
        if (i < s_.size()) return Error(i, "unexpected text after the value");
        return std::nullopt;
      }
      if (i >= s_.size()) return Error(i, "unexpected end of input");
      Frame& top = stack_.back();
      const char c = s_[i];
      if (c == ',') {
        ++i;
        SkipWhitespace(&i);
        if (top.object) {
          if (auto e = ReadMemberKey(&i, "expected a string key")) return e;
        } else {
          ++top.index;
        }
        want_value = true;
      } else if (c == (top.object ? '}' : ']')) {
        ++i;
        stack_.pop_back();
      } else {
        return Error(
            i, top.object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }

  // The path of the value being read (segments point into the stack: valid
  // until the scanner moves on).
  std::vector<JsonPointerSegment> path() const {
    std::vector<JsonPointerSegment> out;
    for (const Frame& f : stack_) {
      if (f.object) {
        if (!f.has_key) break;
        out.push_back({f.key, -1});
      } else {
        out.push_back({{}, f.index});
      }
    }
    return out;
  }

 private:
  struct Frame {
    bool object = false;
    int64_t index = 0;  // arrays: index of the current element
    std::string key;    // objects: key of the current member (unescaped)
    bool has_key = false;
  };

  std::optional<JsonSyntaxError> Error(size_t offset,
                                       std::string reason) const {
    const auto segments = path();
    return JsonSyntaxError{offset, FormatJsonPointer(segments),
                           std::move(reason)};
  }

  void SkipWhitespace(size_t* i) const {
    while (*i < s_.size() && IsWhitespace(s_[*i])) ++*i;
  }

  // Reads `"key" :` at *i into the top frame, leaving *i at the value.
  std::optional<JsonSyntaxError> ReadMemberKey(size_t* i,
                                               const char* expected) {
    Frame& top = stack_.back();
    top.has_key = false;
    if (*i >= s_.size()) return Error(*i, "unexpected end of input");
    if (s_[*i] != '"') return Error(*i, expected);
    std::string key;
    if (auto e = ReadString(i, &key)) return e;
    SkipWhitespace(i);
    if (*i >= s_.size()) return Error(*i, "unexpected end of input");
    if (s_[*i] != ':') return Error(*i, "expected ':'");
    ++*i;
    SkipWhitespace(i);
    top.key = std::move(key);
    top.has_key = true;
    return std::nullopt;
  }

  // Reads a string at *i (which is '"'); decodes it into *out when given.
  std::optional<JsonSyntaxError> ReadString(size_t* i, std::string* out) {
    size_t p = *i + 1;
    while (true) {
      if (p >= s_.size())
        return Error(p, "unexpected end of input in a string");
      const auto c = static_cast<unsigned char>(s_[p]);
      if (c == '"') break;
      if (c < 0x20) return Error(p, "unescaped control character in a string");
      if (c == '\\') {
        if (p + 1 >= s_.size()) {
          return Error(p + 1, "unexpected end of input in a string");
        }
        const char e = s_[p + 1];
        if (e == 'u') {
          uint32_t cp = 0;
          if (!ReadHex4(p + 2, &cp)) return Error(p, "invalid \\u escape");
          p += 6;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (p + 1 >= s_.size() || s_[p] != '\\' || s_[p + 1] != 'u' ||
                !ReadHex4(p + 2, &low) || low < 0xDC00 || low > 0xDFFF) {
              return Error(p, "unpaired UTF-16 surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            p += 6;
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error(p - 6, "unpaired UTF-16 surrogate in a \\u escape");
          }
          if (out != nullptr) AppendUtf8(cp, out);
          continue;
        }
        char decoded = 0;
        switch (e) {
          case '"':
            decoded = '"';
            break;
          case '\\':
            decoded = '\\';
            break;
          case '/':
            decoded = '/';
            break;
          case 'b':
            decoded = '\b';
            break;
          case 'f':
            decoded = '\f';
            break;
          case 'n':
            decoded = '\n';
            break;
          case 'r':
            decoded = '\r';
            break;
          case 't':
            decoded = '\t';
            break;
          default:
            return Error(p, "invalid escape in a string");
        }
        if (out != nullptr) out->push_back(decoded);
        p += 2;
        continue;
      }
      if (c < 0x80) {
        if (out != nullptr) out->push_back(static_cast<char>(c));
        ++p;
        continue;
      }
      const size_t n = Utf8SequenceLength(s_, p);
      if (n == 0) return Error(p, "invalid UTF-8 in a string");
      if (out != nullptr) out->append(s_.substr(p, n));
      p += n;
    }
    *i = p + 1;
    return std::nullopt;
  }

  bool ReadHex4(size_t p, uint32_t* cp) const {
    if (p + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const int h = HexValue(s_[p + k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *cp = v;
    return true;
  }

  std::optional<JsonSyntaxError> ReadLiteral(size_t* i) {
    for (const std::string_view lit : {"true", "false", "null"}) {
      if (s_.substr(*i, lit.size()) == lit) {
        const size_t end = *i + lit.size();
        if (end < s_.size() && !IsDelimiter(s_[end])) break;
        *i = end;
        return std::nullopt;
      }
    }
    return Error(*i, "expected a value (true, false or null?)");
  }

  std::optional<JsonSyntaxError> ReadNumber(size_t* i) {
    const size_t start = *i;
    size_t p = start;
    const auto digit = [&](size_t k) {
      return k < s_.size() && s_[k] >= '0' && s_[k] <= '9';
    };
    if (s_[p] == '-') ++p;
    if (!digit(p)) return Error(start, "malformed number");
    if (s_[p] == '0') {
      ++p;
    } else {
      while (digit(p)) ++p;
    }
    bool integer = true;
    if (p < s_.size() && s_[p] == '.') {
      integer = false;
      ++p;
      if (!digit(p)) return Error(start, "malformed number");
      while (digit(p)) ++p;
    }
    if (p < s_.size() && (s_[p] == 'e' || s_[p] == 'E')) {
      integer = false;
      ++p;
      if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (!digit(p)) return Error(start, "malformed number");
      while (digit(p)) ++p;
    }
    if (p < s_.size() && !IsDelimiter(s_[p])) {
      return Error(start, "malformed number");
    }
    const std::string_view text = s_.substr(start, p - start);
    if (integer) {
      // simdjson keeps integers in 64 bits: int64 when negative, else uint64.
      bool fits = false;
      if (text.front() == '-') {
        int64_t v = 0;
        fits = std::from_chars(text.data(), text.data() + text.size(), v).ec ==
               std::errc();
      } else {
        uint64_t v = 0;
        fits = std::from_chars(text.data(), text.data() + text.size(), v).ec ==
               std::errc();
      }
      if (!fits) return Error(start, "integer does not fit in 64 bits");
    } else {
      double v = 0;
      const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      // Out of range is an error when too large (simdjson rejects it), not
      // when too small (it becomes 0).
      if (r.ec == std::errc::result_out_of_range && DecimalExponent(text) > 0) {
        return Error(start, "number beyond the range of a double");
      }
    }
    *i = p;
    return std::nullopt;
  }

  std::string_view s_;
  std::vector<Frame> stack_;
};

bool SamePath(const std::vector<JsonPointerSegment>& a,
              std::span<const JsonPointerSegment> b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (b[k].index >= 0) {
      if (a[k].index != b[k].index) return false;
    } else if (a[k].index >= 0 || a[k].key != b[k].key) {
      return false;
    }
  }
  return true;
}

}  // namespace

TextPosition PositionOfOffset(std::string_view text, size_t offset) {
  TextPosition pos;
  const size_t end = offset < text.size() ? offset : text.size();
  for (size_t k = 0; k < end; ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos.column;
    }
  }
  return pos;
}

std::string FormatJsonPointer(std::span<const JsonPointerSegment> segments) {
  std::string out;
  for (const JsonPointerSegment& seg : segments) {
    out.push_back('/');
    if (seg.index >= 0) {
      out += std::to_string(seg.index);
      continue;
    }
    for (const char c : seg.key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out.push_back(c);
      }
    }
  }
  return out;
}

std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text) {
  Scanner scanner(text);
  return scanner.Run([](size_t) { return false; });
}

std::optional<size_t> FindJsonPointer(
    std::string_view text, std::span<const JsonPointerSegment> pointer) {
  Scanner scanner(text);
  std::optional<size_t> found;
  const auto error = scanner.Run([&](size_t offset) {
    if (SamePath(scanner.path(), pointer)) {
      found = offset;
      return true;
    }
    return false;
  });
  if (found.has_value() && *found < text.size()) return found;
  (void)error;
  return std::nullopt;
}

}  // namespace jumeau::io::internal
