// make_edf: writes a synthetic EEG-like EDF+ file with EDFlib (an independent
// writer) for the ingest benchmarks: make_edf OUT CHANNELS RATE_HZ SECONDS.
// The content is labelled synthetic in the recording field.
#include <edflib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: make_edf OUT CHANNELS RATE_HZ SECONDS\n");
    return 2;
  }
  const int channels = std::atoi(argv[2]), rate = std::atoi(argv[3]);
  const long seconds = std::atol(argv[4]);
  const int h =
      edfopen_file_writeonly(argv[1], EDFLIB_FILETYPE_EDFPLUS, channels);
  if (h < 0) {
    std::fprintf(stderr, "make_edf: cannot open %s (%d)\n", argv[1], h);
    return 1;
  }
  for (int s = 0; s < channels; ++s) {
    edf_set_samplefrequency(h, s, rate);
    edf_set_physical_maximum(h, s, 3276.7);
    edf_set_physical_minimum(h, s, -3276.8);
    edf_set_digital_maximum(h, s, 32767);
    edf_set_digital_minimum(h, s, -32768);
    edf_set_label(h, s, ("EEG" + std::to_string(s)).c_str());
    edf_set_physical_dimension(h, s, "uV");
  }
  edf_set_recording_additional(h, "synthetic benchmark data");
  std::vector<short> buf(static_cast<size_t>(rate));
  uint32_t x = 2463534242u;
  std::vector<double> state(static_cast<size_t>(channels), 0.0);
  for (long sec = 0; sec < seconds; ++sec) {
    for (int s = 0; s < channels; ++s) {
      for (int i = 0; i < rate; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const double white =
            (static_cast<double>(x) / 4294967296.0 - 0.5) * 40.0;
        state[s] = 0.97 * state[s] + white;  // brown-ish background
        const double t =
            static_cast<double>(sec) + static_cast<double>(i) / rate;
        buf[i] = static_cast<short>(
            std::lround(state[s] + 30.0 * std::sin(2 * M_PI * 10.0 * t + s)));
      }
      if (edfwrite_digital_short_samples(h, buf.data()) != 0) {
        std::fprintf(stderr, "make_edf: write failed\n");
        return 1;
      }
    }
  }
  edfclose_file(h);
  return 0;
}
