// Where things are in a JSON text, for error messages: a small validating
// scanner (RFC 8259) that finds the first syntax error, or the byte offset of
// the value at a JSON pointer, and line/column from a byte offset. io/
// internal; used on error paths only (simdjson parses, this explains).
#ifndef JUMEAU_IO_INTERNAL_JSON_LOCATION_H_
#define JUMEAU_IO_INTERNAL_JSON_LOCATION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace jumeau::io::internal {

// Deepest nesting of arrays and objects the scanner accepts (simdjson's
// default is 1024 as well).
inline constexpr int kJsonMaxDepth = 1024;

// 1-based line and column of a byte offset. Lines end at '\n'; the column
// counts UTF-8 characters (continuation bytes are not counted).
struct TextPosition {
  int64_t line = 1;
  int64_t column = 1;
};

// Returns the position of byte `offset` in `text` (offset may equal
// text.size(): the position just past the end).
TextPosition PositionOfOffset(std::string_view text, size_t offset);

// One step of a JSON pointer: an object member (key, unescaped) or an array
// element (index >= 0, key unused).
struct JsonPointerSegment {
  std::string_view key;
  int64_t index = -1;
};

// Renders segments as an RFC 6901 pointer: "/entry/3/resource" ("~" and "/"
// in keys escaped as "~0" and "~1"); "" for no segments.
std::string FormatJsonPointer(std::span<const JsonPointerSegment> segments);

// The first syntax error of a JSON text.
struct JsonSyntaxError {
  size_t offset = 0;    // byte offset of the offending byte (or text.size())
  std::string pointer;  // RFC 6901 pointer of the value being read there
  std::string reason;   // "expected ',' or '}'", "unexpected end of input"
};

// Scans `text` as one JSON value surrounded by optional whitespace. Returns
// the first syntax error, or nullopt when the text is valid JSON. Checks what
// simdjson checks: grammar, UTF-8, unescaped control characters, escapes and
// surrogate pairs, integers beyond 64 bits, numbers beyond double range,
// nesting deeper than kJsonMaxDepth. Never reads out of bounds; iterative.
std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text);

// Returns the byte offset where the value at `pointer` starts in `text`
// (its first byte: '{', '"', a digit...), or nullopt when there is no such
// value or the text is malformed before reaching it.
std::optional<size_t> FindJsonPointer(
    std::string_view text, std::span<const JsonPointerSegment> pointer);

}  // namespace jumeau::io::internal

#endif  // JUMEAU_IO_INTERNAL_JSON_LOCATION_H_
