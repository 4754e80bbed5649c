// RFC 4180 CSV/TSV tokenizing and exact decimal parsing shared by the device
// CSV reader and the PhysioNet Challenge 2012 reader (io/ internal; not part
// of the public API). Text in, views out; nothing here allocates per field
// except for quoted fields holding escaped quotes.
#ifndef JUMEAU_IO_INTERNAL_CSV_H_
#define JUMEAU_IO_INTERNAL_CSV_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io::internal {

// A CsvTokenizer splits text into records of fields (RFC 4180): fields are
// separated by `delimiter`; a field that starts with '"' is quoted and may
// hold delimiters, line breaks and doubled quotes ("" stands for one quote);
// records end at LF, CRLF or a lone CR. Beyond the RFC: a UTF-8 byte order
// mark at the start is skipped, empty lines are skipped, a line whose first
// byte is `comment` (when not 0) is skipped, and spaces (and tabs, unless the
// delimiter is a tab) around a field are trimmed. Not thread-safe.
class CsvTokenizer {
 public:
  // `name` stands for the file in error messages. REQUIRES: `text` and
  // `name` outlive the tokenizer; delimiter is not '"', CR or LF.
  CsvTokenizer(std::string_view text, std::string_view name, char delimiter,
               char comment);

  // Replaces *fields with the next record's fields (views valid until the
  // next call). Returns true when a record was read, false at the end of the
  // text, or kDataLoss "<name> line N: <reason>" when a quoted field never
  // closes or a closing quote is followed by something other than a
  // delimiter or a line end.
  Result<bool> Next(std::vector<std::string_view>* fields);

  // 1-based line on which the last record returned by Next() starts.
  int64_t line() const { return record_line_; }
  // Byte offset of the start of the last record, and bytes consumed so far.
  uint64_t record_offset() const { return record_offset_; }
  uint64_t position() const { return pos_; }

 private:
  std::string_view text_;
  std::string_view name_;
  char delimiter_;
  char comment_;
  size_t pos_ = 0;
  int64_t line_ = 1;  // line at pos_
  int64_t record_line_ = 0;
  uint64_t record_offset_ = 0;
  // Unescaped copies of quoted fields that held doubled quotes.
  std::vector<std::string> unescaped_;
  struct Span {
    size_t begin;
    size_t end;
    bool escaped;  // quoted with "" inside: needs unescaping
  };
  std::vector<Span> spans_;
};

// Picks the delimiter of a header line: the one of ',', '\t', ';', '|' that
// occurs most often outside quotes (ties in that order). Returns 0 when none
// occurs.
char DetectDelimiter(std::string_view header_line);

// The first line of `text` that is neither empty nor a comment (starting
// with `comment`, when not 0), after a UTF-8 BOM; empty when there is none.
std::string_view FirstContentLine(std::string_view text, char comment);

// An exact decimal number: value = mantissa / 10^decimals.
struct Decimal {
  int64_t mantissa = 0;
  int decimals = 0;  // 0..18
};

// Parses a whole decimal "12", "-3.50", "+.5", "1.2e3", "4E-2" exactly
// (no spaces; `decimal_point` is '.' or ','). Returns false for anything
// else ("abc", "1.2.3", "inf", "nan", "0x10", "") or when the number needs
// more than 18 significant digits or more than 18 decimals.
bool ParseDecimal(std::string_view text, char decimal_point, Decimal* out);

// The double nearest to `d` (correctly rounded from its decimal text).
double DecimalToDouble(const Decimal& d);

// Parses elapsed time "[-]H…:MM[:SS[.f…]]" (hours unbounded up to 2,000,000,
// minutes and seconds 0-59, fraction up to 9 digits) exactly. Returns false
// on anything else.
bool ParseElapsedClock(std::string_view text, Duration* out);

// Converts `d` seconds (or, with `unit_ns` = 1,000,000, milliseconds) to
// nanoseconds exactly. Returns false when digits finer than 1 ns would be
// dropped or the result leaves +-2^62 ns.
bool DecimalToNanos(const Decimal& d, int64_t unit_ns, int64_t* out_ns);

// Parses an ISO 8601 timestamp "YYYY-MM-DD[(T| )hh:mm[:ss[.f…]]][zone]" with
// zone "Z", "±hh:mm", "±hhmm" or "±hh". A timestamp without a zone takes
// `default_offset` when `has_default_offset`, else *missing_zone is set and
// false returned. Years must lie in 1800..2200 (the range that keeps every
// instant far inside int64 nanoseconds). Returns false on anything else.
bool ParseIsoTimestamp(std::string_view text, bool has_default_offset,
                       Duration default_offset, Time* out, bool* missing_zone);

// `s` without leading and trailing spaces and tabs.
std::string_view TrimSpaces(std::string_view s);

}  // namespace jumeau::io::internal

#endif  // JUMEAU_IO_INTERNAL_CSV_H_
