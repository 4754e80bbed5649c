// Error-message helpers shared by the io readers.
#include "jumeau/io/internal/message.h"

#include <cstdio>

namespace jumeau::io::internal {

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "'";
  for (const char c : text.substr(0, kMaxShown)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  out += "'";
  return out;
}

}  // namespace jumeau::io::internal
