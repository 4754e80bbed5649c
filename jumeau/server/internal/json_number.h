// Fast JSON numbers for the API's large arrays (signal windows): the shortest
// text that reads back as the same double, byte for byte what
// std::to_chars(first, last, double) writes, about three times faster
// (Dragonbox from fmt instead of libstdc++'s Ryu). Internal to server/.
#ifndef JUMEAU_SERVER_INTERNAL_JSON_NUMBER_H_
#define JUMEAU_SERVER_INTERNAL_JSON_NUMBER_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace jumeau::server::internal {

// The longest text FormatShortest writes ("-2.2250738585072014e-308").
inline constexpr size_t kMaxShortestChars = 32;
// Room WriteJsonDouble, WriteJsonInt and PhysicalNumbers::Write need (more
// than they write: PhysicalNumbers copies a fixed-size block).
inline constexpr size_t kMaxJsonNumberChars = 40;

// Writes the shortest round-trip text of `v` into `out` and returns its
// length: exactly the characters std::to_chars(out, out + n, v) writes (fixed
// or scientific, whichever is shorter, fixed on a tie). Not-finite values
// are written as to_chars writes them ("inf", "-nan", ...).
// REQUIRES: out has room for kMaxJsonNumberChars characters.
size_t FormatShortest(double v, char* out);

// Writes `v` as a JSON number into `out` and returns its length:
// FormatShortest's text, with ".0" added when it has neither a fraction nor
// an exponent (so readers keep a double), and null when `v` is not finite.
// What nlohmann::json writes for a double, up to the choice of the exponent
// form. REQUIRES: out has room for kMaxJsonNumberChars characters.
size_t WriteJsonDouble(double v, char* out);
// WriteJsonDouble appended to `*out`.
void AppendJsonDouble(std::string* out, double v);

// Writes `v` in decimal; returns the length. REQUIRES: room for
// kMaxJsonNumberChars characters.
size_t WriteJsonInt(int64_t v, char* out);
void AppendJsonInt(std::string* out, int64_t v);

// The JSON texts of the physical values digital * scale + offset of one
// stream, memoised by digital value for one answer (a window's min and max
// repeat a few hundred distinct digital values thousands of times). Each text
// is what AppendJsonDouble writes for digital * scale + offset. Not
// thread-safe; about 48 KB, meant to live on one request's stack frame.
class PhysicalNumbers {
 public:
  PhysicalNumbers(double scale, double offset);
  // Writes the JSON text of digital * scale + offset (WriteJsonDouble's) and
  // returns its length. REQUIRES: room for kMaxJsonNumberChars characters.
  size_t Write(int32_t digital, char* out);
  // The same, appended to `*out`.
  void Append(std::string* out, int32_t digital);

 private:
  static constexpr size_t kSlots = 1024;  // direct-mapped by digital value
  struct Slot {
    uint32_t length;
    char text[32];  // the JSON text (at most 26 characters)
  };
  double scale_;
  double offset_;
  int64_t digital_[kSlots];  // the value held by each slot; INT64_MIN: none
  Slot slots_[kSlots];
};

}  // namespace jumeau::server::internal

#endif  // JUMEAU_SERVER_INTERNAL_JSON_NUMBER_H_
