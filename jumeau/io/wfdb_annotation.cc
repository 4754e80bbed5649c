// MIT-format annotation files: a stream of 16-bit little-endian words, each
// a 6-bit type and a 10-bit interval or datum; pseudo-annotation words (SKIP,
// NUM, SUB, CHN, AUX) modify the annotation before them. Semantics follow
// annot(5) and the WFDB library's getann/putann (not its code).
#include "jumeau/io/wfdb_annotation.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "jumeau/io/internal/wfdb_files.h"

namespace jumeau::io {
namespace {

constexpr int kSkip = 59;
constexpr int kNum = 60;
constexpr int kSub = 61;
constexpr int kChn = 62;
constexpr int kAux = 63;
constexpr int kNote = 22;
constexpr int64_t kNanosPerSecond = 1000000000;

struct CodeName {
  const char* mnemonic;
  const char* description;
};

// ecgcodes.h: mnemonics and descriptions of codes 0..49.
constexpr std::array<CodeName, kWfdbMaxAnnotationCode + 1> kCodes = {{
    {" ", ""},
    {"N", "Normal beat"},
    {"L", "Left bundle branch block beat"},
    {"R", "Right bundle branch block beat"},
    {"a", "Aberrated atrial premature beat"},
    {"V", "Premature ventricular contraction"},
    {"F", "Fusion of ventricular and normal beat"},
    {"J", "Nodal (junctional) premature beat"},
    {"A", "Atrial premature beat"},
    {"S", "Supraventricular premature or ectopic beat"},
    {"E", "Ventricular escape beat"},
    {"j", "Nodal (junctional) escape beat"},
    {"/", "Paced beat"},
    {"Q", "Unclassifiable beat"},
    {"~", "Change in signal quality"},
    {nullptr, ""},
    {"|", "Isolated QRS-like artifact"},
    {nullptr, ""},
    {"s", "ST segment change"},
    {"T", "T-wave change"},
    {"*", "Systole"},
    {"D", "Diastole"},
    {"\"", "Comment annotation"},
    {"=", "Measurement annotation"},
    {"p", "P-wave peak"},
    {"B", "Bundle branch block beat (unspecified)"},
    {"^", "(Non-captured) pacemaker artifact"},
    {"t", "T-wave peak"},
    {"+", "Rhythm change"},
    {"u", "U-wave peak"},
    {"?", "Beat not classified during learning"},
    {"!", "Ventricular flutter wave"},
    {"[", "Start of ventricular flutter/fibrillation"},
    {"]", "End of ventricular flutter/fibrillation"},
    {"e", "Atrial escape beat"},
    {"n", "Supraventricular escape beat"},
    {"@", "Link to external data (aux contains URL)"},
    {"x", "Non-conducted P-wave (blocked APC)"},
    {"f", "Fusion of paced and normal beat"},
    {"(", "Waveform onset"},
    {")", "Waveform end"},
    {"r", "R-on-T premature ventricular contraction"},
    {nullptr, ""},
    {nullptr, ""},
    {nullptr, ""},
    {nullptr, ""},
    {nullptr, ""},
    {nullptr, ""},
    {nullptr, ""},
    {nullptr, ""},
}};

int32_t SignExtend10(uint32_t v) { return static_cast<int32_t>(v << 22) >> 22; }

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80             ? 0
            : (c & 0xE0) == 0xC0 ? 1
            : (c & 0xF0) == 0xE0 ? 2
            : (c & 0xF8) == 0xF0 ? 3
                                 : -1;
    if (n < 0 || (n == 1 && c < 0xC2)) return false;
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size() ||
          (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
        return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// One annotation as stored, before conversion to an Event.
struct RawAnnotation {
  int64_t tick = 0;
  int type = 0;
  int subtype = 0;
  int chan = 0;
  int num = 0;
  std::string aux;
  bool has_aux = false;
  size_t offset = 0;  // byte offset of its annotation word
};

Status Truncated(std::string_view file, size_t offset,
                 const std::string& what) {
  return DataLossError(std::string(file) + " offset " + std::to_string(offset) +
                       ": annotation file is truncated: " + what);
}

Status ParseWords(std::string_view bytes, std::string_view file,
                  std::vector<RawAnnotation>* out,
                  std::vector<std::string>* warnings) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  size_t pos = 0;
  int64_t tick = 0;
  int chan = 0;
  int num = 0;
  RawAnnotation* cur = nullptr;
  int orphan_words = 0;
  constexpr int64_t kTickLimit = int64_t{1} << 62;
  while (true) {
    if (pos + 2 > size) {
      if (pos == size) {
        return Truncated(file, pos,
                         "it ends without the end-of-file word (0x0000)");
      }
      return Truncated(file, pos, "it ends inside an annotation word");
    }
    const uint32_t word = p[pos] | (uint32_t{p[pos + 1]} << 8);
    const size_t word_offset = pos;
    pos += 2;
    if (word == 0) break;
    const int type = static_cast<int>(word >> 10);
    const uint32_t data = word & 0x3FF;
    switch (type) {
      case kSkip: {
        if (pos + 4 > size)
          return Truncated(file, word_offset, "SKIP lacks its 4-byte interval");
        // PDP-11 order: the high 16-bit word first, each word little-endian.
        const uint32_t hi = p[pos] | (uint32_t{p[pos + 1]} << 8);
        const uint32_t lo = p[pos + 2] | (uint32_t{p[pos + 3]} << 8);
        pos += 4;
        tick += static_cast<int32_t>((hi << 16) | lo);
        break;
      }
      case kNum:
        num = SignExtend10(data);
        if (cur != nullptr) cur->num = num;
        break;
      case kSub:
        if (cur != nullptr)
          cur->subtype = SignExtend10(data);
        else
          ++orphan_words;
        break;
      case kChn:
        chan = static_cast<int>(data);
        if (cur != nullptr) cur->chan = chan;
        break;
      case kAux: {
        const size_t len = data & 0xFF;
        const size_t padded = (len + 1) & ~size_t{1};
        if (pos + padded > size) {
          // An odd-length aux string may lack its pad byte at the very end.
          if (pos + len > size) {
            return Truncated(file, word_offset,
                             "AUX string of " + std::to_string(len) +
                                 " bytes runs past the end");
          }
        }
        std::string aux(bytes.substr(pos, len));
        pos += std::min(padded, size - pos);
        if (const size_t nul = aux.find('\0'); nul != std::string::npos)
          aux.resize(nul);
        if (cur != nullptr) {
          cur->aux = std::move(aux);
          cur->has_aux = true;
        } else {
          ++orphan_words;
        }
        break;
      }
      default: {
        tick += data;
        if (tick > kTickLimit || tick < -kTickLimit) {
          return DataLossError(std::string(file) + " offset " +
                               std::to_string(word_offset) +
                               ": annotation time out of range");
        }
        RawAnnotation a;
        a.tick = tick;
        a.type = type;
        a.chan = chan;
        a.num = num;
        a.offset = word_offset;
        out->push_back(std::move(a));
        cur = &out->back();
        break;
      }
    }
    if (tick > kTickLimit || tick < -kTickLimit) {
      return DataLossError(std::string(file) + " offset " +
                           std::to_string(word_offset) +
                           ": annotation time out of range");
    }
  }
  if (orphan_words > 0) {
    warnings->push_back(
        std::string(file) + ": " + std::to_string(orphan_words) +
        " SUB/AUX pseudo-annotation(s) before the first annotation ignored");
  }
  return Status::Ok();
}

}  // namespace

std::string WfdbAnnotationMnemonic(int code) {
  if (code >= 0 && code <= kWfdbMaxAnnotationCode &&
      kCodes[code].mnemonic != nullptr) {
    return kCodes[code].mnemonic;
  }
  return "[" + std::to_string(code) + "]";
}

std::string WfdbAnnotationDescription(int code) {
  if (code >= 0 && code <= kWfdbMaxAnnotationCode)
    return kCodes[code].description;
  return "";
}

int WfdbAnnotationCode(std::string_view mnemonic) {
  for (int c = 1; c <= kWfdbMaxAnnotationCode; ++c) {
    if (kCodes[c].mnemonic != nullptr && mnemonic == kCodes[c].mnemonic)
      return c;
  }
  if (mnemonic.size() >= 3 && mnemonic.front() == '[' &&
      mnemonic.back() == ']') {
    int v = -1;
    const auto inner = mnemonic.substr(1, mnemonic.size() - 2);
    const auto [ptr, ec] =
        std::from_chars(inner.data(), inner.data() + inner.size(), v);
    if (ec == std::errc() && ptr == inner.data() + inner.size() && v >= 1 &&
        v <= kWfdbMaxAnnotationCode) {
      return v;
    }
  }
  return -1;
}

Result<WfdbAnnotationFile> ParseWfdbAnnotations(
    std::string_view bytes, std::string_view file_name, const SampleRate& rate,
    Time start, const std::vector<std::string>& channel_labels) {
  WfdbAnnotationFile result;
  std::vector<RawAnnotation> raw;
  JUMEAU_RETURN_IF_ERROR(ParseWords(bytes, file_name, &raw, &result.warnings));

  // The leading table: NOTE annotations at tick 0, subtype 0, carrying '#'
  // comments ("## time resolution: 500") or "code mnemonic description"
  // definitions. WFDB consumes all of them; we keep NOTEs whose text is
  // neither (they are ordinary comments).
  std::array<std::string, kWfdbMaxAnnotationCode + 1> custom_mnemonic;
  std::array<std::string, kWfdbMaxAnnotationCode + 1> custom_description;
  std::array<bool, kWfdbMaxAnnotationCode + 1> custom = {};
  std::vector<bool> keep(raw.size(), true);
  size_t i = 0;
  for (; i < raw.size() && raw[i].tick == 0 && raw[i].type == kNote &&
         raw[i].subtype == 0;
       ++i) {
    const std::string_view aux = raw[i].aux;
    if (aux.empty()) {
      keep[i] = false;
      continue;
    }
    if (aux.front() == '#') {
      keep[i] = false;
      constexpr std::string_view kResolution = "## time resolution:";
      if (aux.substr(0, kResolution.size()) == kResolution) {
        Result<SampleRate> r =
            SampleRate::FromDecimal(TrimBlanks(aux.substr(kResolution.size())));
        if (r.ok()) {
          result.time_resolution = *r;
        } else {
          result.warnings.push_back(std::string(file_name) + " offset " +
                                    std::to_string(raw[i].offset) +
                                    ": ignored time resolution " +
                                    std::string(aux));
        }
      }
      continue;
    }
    // "code mnemonic [description]".
    std::string_view rest = aux;
    const size_t sp = rest.find_first_of(" \t");
    if (sp == std::string_view::npos) continue;
    int code = -1;
    const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + sp, code);
    if (ec != std::errc() || ptr != rest.data() + sp || code < 0 ||
        code > kWfdbMaxAnnotationCode) {
      continue;
    }
    rest = TrimBlanks(rest.substr(sp));
    const size_t sp2 = rest.find_first_of(" \t");
    const std::string_view mnemonic = rest.substr(0, sp2);
    if (mnemonic.empty()) continue;
    custom[code] = true;
    custom_mnemonic[code] = std::string(mnemonic);
    custom_description[code] = sp2 == std::string_view::npos
                                   ? ""
                                   : std::string(TrimBlanks(rest.substr(sp2)));
    keep[i] = false;
  }

  const SampleRate& resolution =
      result.time_resolution ? *result.time_resolution : rate;
  const __int128 den = static_cast<__int128>(resolution.numerator());
  const __int128 mul =
      static_cast<__int128>(resolution.denominator()) * kNanosPerSecond;
  int nulls = 0;
  int undefined = 0;
  int latin1 = 0;
  result.events.reserve(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    if (!keep[k]) continue;
    const RawAnnotation& a = raw[k];
    if (a.type == 0) {
      // Null annotations: the end-of-table marker WFDB writes, or a SKIP
      // placeholder. They carry no label.
      if (k != i) ++nulls;
      continue;
    }
    // Exact time: start + tick * den / num seconds, floored to a nanosecond.
    const __int128 p = static_cast<__int128>(a.tick) * mul;
    __int128 q = p / den;
    if (p % den != 0 && p < 0) --q;
    const __int128 t = q + start.ns_since_epoch;
    if (t > INT64_MAX || t < INT64_MIN) {
      return DataLossError(std::string(file_name) + " offset " +
                           std::to_string(a.offset) +
                           ": annotation time out of range");
    }
    Event e;
    e.time = Time{static_cast<int64_t>(t)};
    e.code.system = code_system::kWfdbAnnotation;
    if (a.type <= kWfdbMaxAnnotationCode && custom[a.type]) {
      e.code.code = custom_mnemonic[a.type];
      e.code.display = custom_description[a.type];
    } else {
      e.code.code = WfdbAnnotationMnemonic(a.type);
      e.code.display = WfdbAnnotationDescription(a.type);
      if (a.type > kWfdbMaxAnnotationCode || kCodes[a.type].mnemonic == nullptr)
        ++undefined;
    }
    e.subtype = a.subtype;
    e.number = a.num;
    e.channel = static_cast<size_t>(a.chan) < channel_labels.size()
                    ? channel_labels[a.chan]
                    : std::to_string(a.chan);
    if (ValidUtf8(a.aux)) {
      e.text = a.aux;
    } else {
      e.text = Latin1ToUtf8(a.aux);
      ++latin1;
    }
    result.events.push_back(std::move(e));
  }
  if (nulls > 0) {
    result.warnings.push_back(std::string(file_name) + ": skipped " +
                              std::to_string(nulls) +
                              " null (type 0) annotation(s)");
  }
  if (undefined > 0) {
    result.warnings.push_back(std::string(file_name) + ": " +
                              std::to_string(undefined) +
                              " annotation(s) with a type code WFDB does not "
                              "define, kept as \"[code]\"");
  }
  if (latin1 > 0) {
    result.warnings.push_back(std::string(file_name) + ": " +
                              std::to_string(latin1) +
                              " aux string(s) not UTF-8, read as Latin-1");
  }
  return result;
}

Result<std::vector<Event>> ReadWfdbAnnotations(
    const std::filesystem::path& path, const SampleRate& rate, Time start,
    const std::vector<std::string>& channel_labels) {
  JUMEAU_ASSIGN_OR_RETURN(std::string bytes, internal::ReadWholeFile(path));
  JUMEAU_ASSIGN_OR_RETURN(WfdbAnnotationFile file,
                          ParseWfdbAnnotations(bytes, path.filename().string(),
                                               rate, start, channel_labels));
  return std::move(file.events);
}

Result<std::string> EncodeWfdbAnnotations(
    const std::vector<Event>& events, const SampleRate& rate, Time start,
    const std::vector<std::string>& channel_labels) {
  struct Item {
    int64_t tick;
    int type;
    int subtype;
    int chan;
    int num;
    const std::string* aux;
  };
  std::vector<Item> items;
  const __int128 num = rate.numerator();
  const __int128 den =
      static_cast<__int128>(rate.denominator()) * kNanosPerSecond;
  for (const Event& e : events) {
    if (e.code.system != code_system::kWfdbAnnotation) continue;
    const int type = WfdbAnnotationCode(e.code.code);
    if (type < 1) {
      return InvalidArgumentError("WFDB annotation mnemonic '" + e.code.code +
                                  "' is not defined");
    }
    // Nearest tick: floor((2 * d * num + den) / (2 * den)).
    const __int128 x =
        static_cast<__int128>((e.time - start).ns) * num * 2 + den;
    __int128 tick = x / (2 * den);
    if (x % (2 * den) != 0 && x < 0) --tick;
    if (tick > (int64_t{1} << 62) || tick < -(int64_t{1} << 62)) {
      return OutOfRangeError("annotation time " + FormatIso8601(e.time) +
                             " is out of range");
    }
    int chan = 0;
    if (!e.channel.empty()) {
      const auto it =
          std::find(channel_labels.begin(), channel_labels.end(), e.channel);
      if (it != channel_labels.end()) {
        chan = static_cast<int>(it - channel_labels.begin());
      } else {
        const auto [ptr, ec] = std::from_chars(
            e.channel.data(), e.channel.data() + e.channel.size(), chan);
        if (ec != std::errc() || ptr != e.channel.data() + e.channel.size() ||
            chan < 0) {
          return InvalidArgumentError(
              "annotation channel '" + e.channel +
              "' is neither a known signal label nor a number");
        }
      }
      if (chan > 1023) {
        return OutOfRangeError("annotation channel " + std::to_string(chan) +
                               " exceeds 1023");
      }
    }
    if (e.subtype < -512 || e.subtype > 511 || e.number < -512 ||
        e.number > 511) {
      return OutOfRangeError("annotation subtype/number outside -512..511");
    }
    if (e.text.size() > 255) {
      return OutOfRangeError("annotation aux text longer than 255 bytes");
    }
    items.push_back(
        {static_cast<int64_t>(tick), type, e.subtype, chan, e.number, &e.text});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) {
                     if (a.tick != b.tick) return a.tick < b.tick;
                     if (a.num != b.num) return a.num < b.num;
                     return a.chan < b.chan;
                   });
  std::string out;
  auto put16 = [&out](uint32_t w) {
    out += static_cast<char>(w & 0xFF);
    out += static_cast<char>((w >> 8) & 0xFF);
  };
  auto skip = [&](int64_t delta) {
    put16(kSkip << 10);
    const auto v = static_cast<uint32_t>(static_cast<int32_t>(delta));
    put16(v >> 16);
    put16(v & 0xFFFF);
  };
  int64_t prev = 0;
  int prev_chan = 0, prev_num = 0;
  // A first annotation that looks like a table entry (a NOTE at tick 0) is
  // preceded by a null annotation ending the (empty) table, as WFDB does.
  if (!items.empty() && items.front().tick == 0 &&
      items.front().type == kNote && items.front().subtype == 0) {
    skip(-1);
    put16(1);
  }
  for (const Item& it : items) {
    int64_t delta = it.tick - prev;
    while (delta > 0x3FF || delta < 0) {
      const int64_t step = std::clamp<int64_t>(delta, INT32_MIN, INT32_MAX);
      skip(step);
      delta -= step;
      if (delta <= 0x3FF && delta >= 0) break;
    }
    put16((static_cast<uint32_t>(it.type) << 10) |
          static_cast<uint32_t>(delta));
    if (it.subtype != 0)
      put16((kSub << 10) | (static_cast<uint32_t>(it.subtype) & 0x3FF));
    if (it.chan != prev_chan)
      put16((kChn << 10) | static_cast<uint32_t>(it.chan));
    if (it.num != prev_num)
      put16((kNum << 10) | (static_cast<uint32_t>(it.num) & 0x3FF));
    if (!it.aux->empty()) {
      put16((kAux << 10) | static_cast<uint32_t>(it.aux->size()));
      out += *it.aux;
      if (it.aux->size() & 1) out += '\0';
    }
    prev = it.tick;
    prev_chan = it.chan;
    prev_num = it.num;
  }
  put16(0);
  return out;
}

Status WriteWfdbAnnotations(const std::vector<Event>& events,
                            const std::filesystem::path& path,
                            const SampleRate& rate, Time start,
                            const std::vector<std::string>& channel_labels) {
  JUMEAU_ASSIGN_OR_RETURN(
      std::string bytes,
      EncodeWfdbAnnotations(events, rate, start, channel_labels));
  return internal::WriteWholeFile(path, bytes);
}

}  // namespace jumeau::io
