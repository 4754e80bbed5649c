// QRS (heartbeat) detection on ECG leads given as integer samples with their
// digital→physical scale and exact sample rate: R-peak sample indices plus
// flagged noisy segments. Works from 100 to 2000 Hz and on either polarity
// with one set of parameters. Part of analysis/ (depends on core only); the
// method is described at the top of qrs.cc.
#ifndef JUMEAU_ANALYSIS_QRS_H_
#define JUMEAU_ANALYSIS_QRS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

// Options of DetectQrs() and QrsDetector. The defaults were chosen on the
// MIT-BIH Arrhythmia Database (records 100-119) and are meant for every
// record: no per-record tuning.
struct QrsOptions {
  // Length of the windows in which noise is judged (see QrsResult::noisy).
  // Default 2.5 s.
  Duration noise_window = Duration::Milliseconds(2500);
};

// One ECG lead: digital samples and physical = digital * scale (+ offset,
// which does not matter here), in mV for ECG. The span is not owned.
struct QrsLead {
  std::span<const int32_t> samples;
  double scale = 1.0;
};

// A run of samples [begin, end) judged too noisy for reliable detection.
struct NoisySegment {
  int64_t begin = 0;
  int64_t end = 0;
};

// Output of QRS detection.
struct QrsResult {
  // Sample index of each beat's fiducial point (the largest deflection of
  // the band-passed QRS, i.e. the R or QS peak), strictly increasing.
  std::vector<int64_t> beats;
  // Windows (QrsOptions::noise_window, merged when adjacent) holding
  // several large non-QRS energy bursts: detections there are less
  // reliable. Sorted, disjoint.
  std::vector<NoisySegment> noisy;
};

// Detects beats on one lead.
// Inputs: `samples` (any length; fewer than ~2 s gives few or no beats),
// `scale` (mV per digital unit; only its magnitude matters), `rate`.
// Returns the beats and noisy segments; kInvalidArgument when the rate is
// outside 100..2000 Hz or scale is zero or not finite.
Result<QrsResult> DetectQrs(std::span<const int32_t> samples, double scale,
                            const SampleRate& rate,
                            const QrsOptions& options = {});

// Detects beats from several simultaneous leads of one record (e.g. MLII and
// V1): each lead is detected on its own; the first lead's beats are kept
// and the others fill its gaps (stretches longer than 1.5 median RR, e.g.
// where it goes flat). Put the best lead first. Returns as DetectQrs (noisy
// segments are the first lead's); also kInvalidArgument when `leads` is
// empty or the leads differ in length.
Result<QrsResult> DetectQrs(std::span<const QrsLead> leads,
                            const SampleRate& rate,
                            const QrsOptions& options = {});

// A streaming QRS detector: feed blocks of samples, collect beats as they
// are decided (usually 0.2 s after the energy peak; up to 2 s at the start
// and about 1.7 RR when a beat is found by search-back), with memory bounded
// independently of the record's length. With one lead it gives the same
// result as the one-lead DetectQrs whatever the block sizes; with several
// it sums their squared slopes in mV^2 (a simpler fusion than the gap
// filling of the several-lead DetectQrs). Not thread-safe: use one
// detector per thread.
class QrsDetector {
 public:
  // Creates a detector for `lead_scales.size()` leads sampled at `rate`.
  // Returns kInvalidArgument as DetectQrs.
  static Result<std::unique_ptr<QrsDetector>> Create(
      const SampleRate& rate, std::span<const double> lead_scales,
      const QrsOptions& options = {});
  ~QrsDetector();
  QrsDetector(const QrsDetector&) = delete;
  QrsDetector& operator=(const QrsDetector&) = delete;

  // Processes the next block: one span per lead, all of the same length.
  // Returns kInvalidArgument (and processes nothing) when the number of
  // spans or their lengths disagree, or after Finish().
  Status Push(std::span<const std::span<const int32_t>> block);
  // Declares the end of the signal: pending decisions are taken.
  void Finish();
  // Moves out the beats and noisy segments decided so far (beats sorted;
  // later calls return only newer ones).
  QrsResult Take();
  // Samples per lead consumed so far.
  int64_t samples_seen() const;

 private:
  struct Impl;
  explicit QrsDetector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_QRS_H_
