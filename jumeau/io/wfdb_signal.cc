// WFDB storage formats: tight, branch-free decoders (no per-sample calls or
// I/O; the 212 loop turns 3 bytes into 2 samples with shift-based sign
// extension) and the matching encoders used by the writer.
#include "jumeau/io/wfdb_signal.h"

#include <array>
#include <cstring>

namespace jumeau::io {
namespace {

constexpr std::array<WfdbFormatInfo, 10> kFormats = {{
    // format, unit_samples, unit_bytes, bits, difference, invalid, min, max
    {8, 1, 1, 8, true, -32768, -128, 127},
    {16, 1, 2, 16, false, -32768, -32768, 32767},
    {24, 1, 3, 24, false, -8388608, -8388608, 8388607},
    {32, 1, 4, 32, false, INT32_MIN, INT32_MIN, INT32_MAX},
    {61, 1, 2, 16, false, -32768, -32768, 32767},
    {80, 1, 1, 8, false, -128, -128, 127},
    {160, 1, 2, 16, false, -32768, -32768, 32767},
    {212, 2, 3, 12, false, -2048, -2048, 2047},
    {310, 3, 4, 10, false, -512, -512, 511},
    {311, 3, 4, 10, false, -512, -512, 511},
}};

// Sign-extends the low `bits` bits of v (C++20: >> of a negative is
// arithmetic).
template <int kBits>
inline int32_t SignExtend(uint32_t v) {
  return static_cast<int32_t>(v << (32 - kBits)) >> (32 - kBits);
}

inline uint32_t Le16(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8);
}

inline uint32_t Le32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

void Decode212(const uint8_t* p, int64_t count, int32_t* out) {
  const int64_t pairs = count / 2;
  for (int64_t i = 0; i < pairs; ++i) {
    const uint32_t b0 = p[0], b1 = p[1], b2 = p[2];
    // First sample: b0 and the low nibble of b1; second: the high nibble of
    // b1 and b2. Shift the 12 bits to the top and back to sign-extend.
    out[0] = static_cast<int32_t>((b0 << 20) | (b1 << 28)) >> 20;
    out[1] = static_cast<int32_t>(((b1 & 0xF0u) << 24) | (b2 << 20)) >> 20;
    p += 3;
    out += 2;
  }
  if (count & 1)
    out[0] =
        static_cast<int32_t>((uint32_t{p[0]} << 20) | (uint32_t{p[1]} << 28)) >>
        20;
}

void Decode310(const uint8_t* p, int64_t count, int32_t* out) {
  const int64_t units = count / 3;
  for (int64_t i = 0; i < units; ++i) {
    const uint32_t w0 = Le16(p), w1 = Le16(p + 2);
    out[0] = SignExtend<10>((w0 >> 1) & 0x3FF);
    out[1] = SignExtend<10>((w1 >> 1) & 0x3FF);
    out[2] = SignExtend<10>(((w0 >> 11) & 0x1F) | (((w1 >> 11) & 0x1F) << 5));
    p += 4;
    out += 3;
  }
  const int64_t rem = count % 3;
  if (rem >= 1) out[0] = SignExtend<10>((Le16(p) >> 1) & 0x3FF);
  if (rem == 2) out[1] = SignExtend<10>((Le16(p + 2) >> 1) & 0x3FF);
}

void Decode311(const uint8_t* p, int64_t count, int32_t* out) {
  const int64_t units = count / 3;
  for (int64_t i = 0; i < units; ++i) {
    const uint32_t w = Le32(p);
    out[0] = SignExtend<10>(w & 0x3FF);
    out[1] = SignExtend<10>((w >> 10) & 0x3FF);
    out[2] = SignExtend<10>((w >> 20) & 0x3FF);
    p += 4;
    out += 3;
  }
  const int64_t rem = count % 3;
  if (rem == 1) out[0] = SignExtend<10>(Le16(p) & 0x3FF);
  if (rem == 2) {
    const uint32_t w = Le16(p) | (Le16(p + 2) << 16);
    out[0] = SignExtend<10>(w & 0x3FF);
    out[1] = SignExtend<10>((w >> 10) & 0x3FF);
  }
}

Status OutOfRange(const WfdbFormatInfo& info, int64_t index, int32_t v) {
  return OutOfRangeError("sample " + std::to_string(index) + " value " +
                         std::to_string(v) + " does not fit WFDB format " +
                         std::to_string(info.format) + " (" +
                         std::to_string(info.min_value) + " to " +
                         std::to_string(info.max_value) + ")");
}

}  // namespace

const WfdbFormatInfo* FindWfdbFormat(int format) {
  for (const auto& f : kFormats) {
    if (f.format == format) return &f;
  }
  return nullptr;
}

int64_t WfdbBytesForSamples(const WfdbFormatInfo& info, int64_t samples) {
  switch (info.format) {
    case 212:
      return samples / 2 * 3 + (samples % 2) * 2;
    case 310:
    case 311:
      return samples / 3 * 4 + (samples % 3) * 2;
    default:
      return samples * info.unit_bytes;
  }
}

int64_t WfdbSamplesInBytes(const WfdbFormatInfo& info, int64_t bytes) {
  switch (info.format) {
    case 212:
      return bytes / 3 * 2 + (bytes % 3 >= 2 ? 1 : 0);
    case 310:
    case 311:
      return bytes / 4 * 3 + (bytes % 4 >= 2 ? 1 : 0);
    default:
      return bytes / info.unit_bytes;
  }
}

void DecodeWfdbSamples(const WfdbFormatInfo& info, const uint8_t* p,
                       int64_t count, int32_t* out) {
  switch (info.format) {
    case 212:
      Decode212(p, count, out);
      return;
    case 16:
      for (int64_t i = 0; i < count; ++i) {
        out[i] = static_cast<int16_t>(
            static_cast<uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
      }
      return;
    case 61:
      for (int64_t i = 0; i < count; ++i) {
        out[i] = static_cast<int16_t>(
            static_cast<uint16_t>((p[2 * i] << 8) | p[2 * i + 1]));
      }
      return;
    case 160:
      for (int64_t i = 0; i < count; ++i) {
        out[i] = static_cast<int32_t>(p[2 * i] | (p[2 * i + 1] << 8)) - 32768;
      }
      return;
    case 80:
      for (int64_t i = 0; i < count; ++i)
        out[i] = static_cast<int32_t>(p[i]) - 128;
      return;
    case 8:
      for (int64_t i = 0; i < count; ++i) out[i] = static_cast<int8_t>(p[i]);
      return;
    case 24:
      for (int64_t i = 0; i < count; ++i) {
        const uint8_t* q = p + 3 * i;
        out[i] = SignExtend<24>(uint32_t{q[0]} | (uint32_t{q[1]} << 8) |
                                (uint32_t{q[2]} << 16));
      }
      return;
    case 32:
      for (int64_t i = 0; i < count; ++i)
        out[i] = static_cast<int32_t>(Le32(p + 4 * i));
      return;
    case 310:
      Decode310(p, count, out);
      return;
    case 311:
      Decode311(p, count, out);
      return;
    default:
      return;
  }
}

void DecodeWfdb212Pairs(const uint8_t* p, int64_t frames, int32_t* a,
                        int32_t* b) {
  for (int64_t i = 0; i < frames; ++i) {
    const uint32_t b0 = p[0], b1 = p[1], b2 = p[2];
    a[i] = static_cast<int32_t>((b0 << 20) | (b1 << 28)) >> 20;
    b[i] = static_cast<int32_t>(((b1 & 0xF0u) << 24) | (b2 << 20)) >> 20;
    p += 3;
  }
}

Status EncodeWfdbSamples(const WfdbFormatInfo& info, const int32_t* in,
                         int64_t count, std::string* out) {
  for (int64_t i = 0; i < count; ++i) {
    if (in[i] < info.min_value || in[i] > info.max_value)
      return OutOfRange(info, i, in[i]);
  }
  const size_t base = out->size();
  out->resize(base + static_cast<size_t>(WfdbBytesForSamples(info, count)));
  auto* q = reinterpret_cast<uint8_t*>(out->data() + base);
  auto put16 = [](uint8_t* d, uint32_t v) {
    d[0] = static_cast<uint8_t>(v);
    d[1] = static_cast<uint8_t>(v >> 8);
  };
  switch (info.format) {
    case 212: {
      int64_t i = 0;
      for (; i + 1 < count; i += 2) {
        const auto s0 = static_cast<uint32_t>(in[i]),
                   s1 = static_cast<uint32_t>(in[i + 1]);
        q[0] = static_cast<uint8_t>(s0);
        q[1] = static_cast<uint8_t>(((s0 >> 8) & 0x0F) | ((s1 >> 4) & 0xF0));
        q[2] = static_cast<uint8_t>(s1);
        q += 3;
      }
      if (i < count) put16(q, static_cast<uint32_t>(in[i]) & 0xFFF);
      break;
    }
    case 310: {
      int64_t i = 0;
      for (; i + 2 < count; i += 3) {
        const auto s0 = static_cast<uint32_t>(in[i]),
                   s1 = static_cast<uint32_t>(in[i + 1]),
                   s2 = static_cast<uint32_t>(in[i + 2]);
        put16(q, ((s0 & 0x3FF) << 1) | ((s2 & 0x1F) << 11));
        put16(q + 2, ((s1 & 0x3FF) << 1) | (((s2 >> 5) & 0x1F) << 11));
        q += 4;
      }
      if (i < count) put16(q, (static_cast<uint32_t>(in[i]) & 0x3FF) << 1);
      if (i + 1 < count)
        put16(q + 2, (static_cast<uint32_t>(in[i + 1]) & 0x3FF) << 1);
      break;
    }
    case 311: {
      int64_t i = 0;
      for (; i + 2 < count; i += 3) {
        const uint32_t w = (static_cast<uint32_t>(in[i]) & 0x3FF) |
                           ((static_cast<uint32_t>(in[i + 1]) & 0x3FF) << 10) |
                           ((static_cast<uint32_t>(in[i + 2]) & 0x3FF) << 20);
        put16(q, w & 0xFFFF);
        put16(q + 2, w >> 16);
        q += 4;
      }
      if (i + 1 < count) {
        const uint32_t w = (static_cast<uint32_t>(in[i]) & 0x3FF) |
                           ((static_cast<uint32_t>(in[i + 1]) & 0x3FF) << 10);
        put16(q, w & 0xFFFF);
        put16(q + 2, w >> 16);
      } else if (i < count) {
        put16(q, static_cast<uint32_t>(in[i]) & 0x3FF);
      }
      break;
    }
    default:
      for (int64_t i = 0; i < count; ++i) {
        const auto v = static_cast<uint32_t>(in[i]);
        switch (info.format) {
          case 8:
            *q++ = static_cast<uint8_t>(v);
            break;
          case 80:
            *q++ = static_cast<uint8_t>(v + 128);
            break;
          case 16:
            put16(q, v);
            q += 2;
            break;
          case 61:
            q[0] = static_cast<uint8_t>(v >> 8);
            q[1] = static_cast<uint8_t>(v);
            q += 2;
            break;
          case 160:
            put16(q, v + 32768);
            q += 2;
            break;
          case 24:
            q[0] = static_cast<uint8_t>(v);
            q[1] = static_cast<uint8_t>(v >> 8);
            q[2] = static_cast<uint8_t>(v >> 16);
            q += 3;
            break;
          case 32:
            put16(q, v & 0xFFFF);
            put16(q + 2, v >> 16);
            q += 4;
            break;
          default:
            break;
        }
      }
      break;
  }
  return Status::Ok();
}

}  // namespace jumeau::io
