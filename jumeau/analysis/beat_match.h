// Beat-by-beat comparison of two beat annotation streams by the ANSI/AAMI
// EC57 rule as PhysioNet's bxb implements it (150 ms match window, nearest
// pairing, a 5-minute learning period left out), with QRS detection
// sensitivity and positive predictivity per record and pooled. Part of
// analysis/: pure functions over core Times and Events.
#ifndef JUMEAU_ANALYSIS_BEAT_MATCH_H_
#define JUMEAU_ANALYSIS_BEAT_MATCH_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

// Options of MatchBeats(). The defaults are bxb's (EC57) defaults.
struct BeatMatchOptions {
  // Start of the record: the learning period counts from here. Default the
  // epoch (Time{0}), as for a record without a base date and time.
  Time record_start;
  // Beats before record_start + learning_period are not counted (bxb -f;
  // default 5 minutes). A detection in the learning period may still match
  // the first reference beat after it (counted), as in bxb.
  Duration learning_period = Duration::Minutes(5);
  // Largest |reference - detected| for a match, inclusive (bxb -w; EC57:
  // 150 ms).
  Duration match_window = Duration::Milliseconds(150);
  // End of the comparison (bxb -t; the record's end). Unset (default): every
  // annotation after the learning period is compared.
  std::optional<Time> end;
  // Reference ventricular flutter/fibrillation episodes [begin, end], both
  // inclusive (WFDB '[' and ']' annotations, see WfdbVfEpisodes): reference
  // beats inside are ignored, and unmatched detections inside are not
  // counted as false positives (bxb). Sorted or not. Default none.
  std::vector<std::pair<Time, Time>> reference_vf;
};

// The outcome of a comparison: QRS detection counts (bxb's QTP, QFN, QFP)
// and, for a single record, which beats were paired or not.
struct BeatMatchResult {
  int64_t true_positives = 0;   // reference beats matched by a detection
  int64_t false_negatives = 0;  // reference beats left unmatched
  int64_t false_positives = 0;  // detections left unmatched
  // Indices into the caller's spans: (reference, detected) pairs counted as
  // true positives, and the counted unmatched beats of each stream. Empty in
  // pooled results.
  std::vector<std::pair<size_t, size_t>> matches;
  std::vector<size_t> missed;  // reference indices (false negatives)
  std::vector<size_t> extra;   // detected indices (false positives)

  // TP / (TP + FN), a fraction in [0, 1]; NaN when there is no reference
  // beat.
  double sensitivity() const;
  // TP / (TP + FP), a fraction in [0, 1]; NaN when there is no detection.
  double positive_predictivity() const;
};

// Compares `detected` against `reference` beat times as bxb does: walking
// both streams in time order, the earlier of the current reference beat T
// and current detection t is paired with the other when they are at most
// match_window apart and the other stream's next beat is not strictly
// closer; otherwise it is counted unmatched. Each beat is used at most once.
// Beats before record_start + learning_period are not counted, except that
// the last detection before it may match the first reference beat after it;
// a detection within match_window after the start that is a worse match
// for the first reference beat than the following detection is dropped
// uncounted (bxb's start rule).
// Inputs: times in any order (sorted internally; indices in the result
// refer to the spans as given). Outputs: counts and index lists.
// Never fails; empty inputs give zero counts.
BeatMatchResult MatchBeats(std::span<const Time> reference,
                           std::span<const Time> detected,
                           const BeatMatchOptions& options = {});

// Gross statistics over records: the sums of the counts (index lists are
// left empty).
BeatMatchResult PoolBeatMatches(std::span<const BeatMatchResult> records);

// True when `mnemonic` is a WFDB beat annotation (PhysioNet isqrs): N L R
// a V F J A S E j / Q e n f r B ? — not rhythm changes ('+'), noise ('~'),
// artifacts ('|'), non-conducted P waves ('x') or other non-beat labels.
bool IsWfdbBeatMnemonic(std::string_view mnemonic);

// Times of the beat annotations (code system kWfdbAnnotation and
// IsWfdbBeatMnemonic) among `events`, in the order given.
std::vector<Time> WfdbBeatTimes(std::span<const Event> events);

// Ventricular flutter episodes from WFDB '[' (onset) and ']' (end)
// annotations among `events` (in time order): [onset, end] pairs; an onset
// without an end runs to the largest representable time.
std::vector<std::pair<Time, Time>> WfdbVfEpisodes(
    std::span<const Event> events);

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_BEAT_MATCH_H_
