// Error-message helpers shared by the io readers (internal to io/).
#ifndef JUMEAU_IO_INTERNAL_MESSAGE_H_
#define JUMEAU_IO_INTERNAL_MESSAGE_H_

#include <string>
#include <string_view>

namespace jumeau::io::internal {

// `text` in single quotes for an error message: bytes outside printable
// ASCII shown as \xNN, and cut with "..." after 80 bytes (the longest EDF
// header field), so a message stays one readable line whatever the input.
std::string QuoteForMessage(std::string_view text);

}  // namespace jumeau::io::internal

#endif  // JUMEAU_IO_INTERNAL_MESSAGE_H_
