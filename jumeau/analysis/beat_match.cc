// Beat-by-beat comparison after bxb (EC57): see beat_match.h. The walk below
// follows the published rules of bxb (WFDB Applications Guide) and its
// documented start-of-test-period handling, on nanosecond times.
#include "jumeau/analysis/beat_match.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

namespace jumeau::analysis {
namespace {

// "No more beats" in a stream (bxb's huge_time).
constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// |a - b|, saturating; kNone when either side is kNone.
int64_t Gap(int64_t a, int64_t b) {
  if (a == kNone || b == kNone) return kNone;
  int64_t d = 0;
  if (__builtin_sub_overflow(a, b, &d) ||
      d == std::numeric_limits<int64_t>::min()) {
    return kNone;
  }
  return d < 0 ? -d : d;
}

// One annotation stream in time order, with the caller's indices.
struct Stream {
  std::vector<int64_t> times;
  std::vector<size_t> index;
  size_t pos = 0;

  int64_t Current() const { return pos < times.size() ? times[pos] : kNone; }
  int64_t Next() const {
    return pos + 1 < times.size() ? times[pos + 1] : kNone;
  }
  size_t CurrentIndex() const { return index[pos]; }
  void Advance() {
    if (pos < times.size()) ++pos;
  }
};

bool InEpisode(int64_t t,
               const std::vector<std::pair<int64_t, int64_t>>& episodes) {
  for (const auto& [begin, end] : episodes) {
    if (begin <= t && t <= end) return true;
  }
  return false;
}

// The beats of `times` not inside `excluded`, sorted by time (stable).
Stream MakeStream(std::span<const Time> times,
                  const std::vector<std::pair<int64_t, int64_t>>& excluded) {
  Stream s;
  std::vector<size_t> order(times.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return times[a] < times[b]; });
  for (size_t i : order) {
    int64_t t = times[i].ns_since_epoch;
    if (t == kNone || InEpisode(t, excluded)) continue;
    s.times.push_back(t);
    s.index.push_back(i);
  }
  return s;
}

double Ratio(int64_t num, int64_t den) {
  if (den <= 0) return std::nan("");
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

double BeatMatchResult::sensitivity() const {
  return Ratio(true_positives, true_positives + false_negatives);
}

double BeatMatchResult::positive_predictivity() const {
  return Ratio(true_positives, true_positives + false_positives);
}

BeatMatchResult MatchBeats(std::span<const Time> reference,
                           std::span<const Time> detected,
                           const BeatMatchOptions& options) {
  std::vector<std::pair<int64_t, int64_t>> vf;
  for (const auto& [begin, end] : options.reference_vf) {
    vf.emplace_back(begin.ns_since_epoch, end.ns_since_epoch);
  }
  Stream ref = MakeStream(reference, vf);
  Stream det = MakeStream(detected, {});
  const int64_t window = std::max<int64_t>(0, options.match_window.ns);
  int64_t start = 0;
  if (__builtin_add_overflow(options.record_start.ns_since_epoch,
                             options.learning_period.ns, &start)) {
    start = options.learning_period.ns > 0
                ? kNone - 1
                : std::numeric_limits<int64_t>::min();
  }

  BeatMatchResult result;
  auto pair_current = [&] {
    result.matches.emplace_back(ref.CurrentIndex(), det.CurrentIndex());
    ++result.true_positives;
    ref.Advance();
    det.Advance();
  };

  // The first reference beat at or after the start of the test period, and
  // the last detection before it (if any) followed by the first after it.
  ref.pos = static_cast<size_t>(
      std::lower_bound(ref.times.begin(), ref.times.end(), start) -
      ref.times.begin());
  size_t first_det = static_cast<size_t>(
      std::lower_bound(det.times.begin(), det.times.end(), start) -
      det.times.begin());
  const int64_t first_ref_time = ref.Current();
  bool paired_learning = false;
  if (first_det > 0) {
    det.pos = first_det - 1;
    int64_t gap = Gap(first_ref_time, det.Current());
    if (gap <= window && gap < Gap(first_ref_time, det.Next())) {
      pair_current();
      paired_learning = true;
    } else {
      det.Advance();
    }
  } else {
    det.pos = first_det;
  }
  // A detection just after the start that is a worse match for the first
  // reference beat than the next detection is dropped uncounted.
  if (!paired_learning && det.Current() != kNone &&
      Gap(det.Current(), start) <= window &&
      Gap(first_ref_time, det.Next()) < Gap(first_ref_time, det.Current())) {
    det.Advance();
  }

  while (true) {
    const int64_t t_ref = ref.Current();
    const int64_t t_det = det.Current();
    if (options.end.has_value()) {
      const int64_t end = options.end->ns_since_epoch;
      if (!(t_ref <= end || t_det <= end) || (t_ref == kNone && t_det == kNone))
        break;
    } else if (t_ref == kNone && t_det == kNone) {
      break;
    }
    if (t_det < t_ref) {  // the detection is earliest
      int64_t gap = Gap(t_ref, t_det);
      if (gap <= window && gap < Gap(t_ref, det.Next())) {
        pair_current();
      } else {
        if (!InEpisode(t_det, vf)) {
          result.extra.push_back(det.CurrentIndex());
          ++result.false_positives;
        }
        det.Advance();
      }
    } else {  // the reference beat is earliest (or both at once)
      int64_t gap = Gap(t_det, t_ref);
      if (gap <= window && gap < Gap(t_det, ref.Next())) {
        pair_current();
      } else {
        result.missed.push_back(ref.CurrentIndex());
        ++result.false_negatives;
        ref.Advance();
      }
    }
  }
  return result;
}

BeatMatchResult PoolBeatMatches(std::span<const BeatMatchResult> records) {
  BeatMatchResult pooled;
  for (const BeatMatchResult& r : records) {
    pooled.true_positives += r.true_positives;
    pooled.false_negatives += r.false_negatives;
    pooled.false_positives += r.false_positives;
  }
  return pooled;
}

bool IsWfdbBeatMnemonic(std::string_view mnemonic) {
  static constexpr std::string_view kBeats[] = {
      "N", "L", "R", "a", "V", "F", "J", "A", "S", "E",
      "j", "/", "Q", "e", "n", "f", "r", "B", "?"};
  return std::find(std::begin(kBeats), std::end(kBeats), mnemonic) !=
         std::end(kBeats);
}

std::vector<Time> WfdbBeatTimes(std::span<const Event> events) {
  std::vector<Time> times;
  for (const Event& e : events) {
    if (e.code.system == code_system::kWfdbAnnotation &&
        IsWfdbBeatMnemonic(e.code.code)) {
      times.push_back(e.time);
    }
  }
  return times;
}

std::vector<std::pair<Time, Time>> WfdbVfEpisodes(
    std::span<const Event> events) {
  std::vector<std::pair<Time, Time>> episodes;
  bool open = false;
  Time onset;
  for (const Event& e : events) {
    if (e.code.system != code_system::kWfdbAnnotation) continue;
    if (e.code.code == "[" && !open) {
      open = true;
      onset = e.time;
    } else if (e.code.code == "]" && open) {
      open = false;
      episodes.emplace_back(onset, e.time);
    }
  }
  if (open) episodes.emplace_back(onset, Time{kNone});
  return episodes;
}

}  // namespace jumeau::analysis
