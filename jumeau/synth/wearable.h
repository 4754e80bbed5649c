// Synthetic wrist-wearable week for the example patient: minute heart rate
// (circadian rhythm, sleep, activity bouts), steps per minute, skin
// temperature, and irregular SpO2 spot checks every 5-15 minutes, with the
// watch taken off to charge once a day. Part of jumeau/synth: the model
// (BuildWearable) is pure; FormatWearableCsv / WearableMapping give the text
// of the CSV export and its column mapping (jumeau/io/device_csv.h), and
// WriteWearable writes both into a folder.
//
// Model, per minute of local time h (hours after local midnight):
//   sleep      nightly from about 23:00 to 07:00 (weekends +1 h), each edge
//              N(0, 25 min), with brief awakenings;
//   activity   weekday commute walks (08:10, 17:40, ~15 min), random walks
//              while awake (1 per 75 awake minutes, 2 + Exp(6) min), a
//              30-40 min run at about 18:30 on a day with probability
//              daily_run_probability; walking cadence N(100, 10) steps/min,
//              running N(160, 5); otherwise 0 steps, or 1-25 steps in a
//              quarter of awake minutes (moving about);
//   heart rate target = resting + 5 cos(2 pi (h - 16) / 24) - 8 asleep
//              + 0.28 cadence walking (0.5 running, 0.3 x steps moving
//              about), approached with time constants 1.5 min (rising) and
//              3 min (falling), plus AR(1) noise (0.7, sd 1.5 bpm); whole
//              bpm in [35, 210];
//   skin temperature target 32.2 + 0.4 cos(2 pi (h - 15) / 24) awake, 34.4
//              asleep, -0.8 running, time constant 15 min, AR(1) noise
//              (0.9, sd 0.05); tenths of a degree Celsius;
//   SpO2       spot checks 5-15 min apart (uniform whole minutes) while
//              worn: N(97.3, 0.8) awake, N(95, 1) asleep with 3% dips of
//              3-5 points; whole percent in [85, 100];
//   charging   off the wrist once a day at about 19:30 (N(0, 45 min), after
//              any run) for 40-80 minutes: no values then;
//   still      optionally, a span with no activity and no steps at all
//              (WearableOptions::still_start), e.g. sitting through a
//              Holter hook-up.
// The numbers are plausible adult values, not fitted to any dataset.
#ifndef JUMEAU_SYNTH_WEARABLE_H_
#define JUMEAU_SYNTH_WEARABLE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/io/device_csv.h"

namespace jumeau::synth {

// 2019-02-26T00:00:00+01:00 (2019-02-25T23:00:00Z): local midnight starting a
// week that contains the example patient's ECG day (2019-03-02).
inline constexpr Time kWearableDefaultStart =
    Time::FromNanoseconds(1551135600LL * 1000000000LL);

// Options of the wearable week. Identical options give identical output.
struct WearableOptions {
  // Seed of the generator (used as is: the example patient passes a seed
  // derived from its own). Default 1.
  uint64_t seed = 1;
  // First minute of the export, best a local midnight. Default
  // kWearableDefaultStart. Valid: whole minutes, years 1900-2099.
  Time start = kWearableDefaultStart;
  // The wearer's offset from UTC: the daily rhythm follows local time and the
  // CSV writes local times with this offset. Default +1 h. Valid: whole
  // minutes within +-14 h.
  Duration utc_offset = Duration::Hours(1);
  // Length in days. Default 7. Valid: 1-31.
  int days = 7;
  // Heart rate awake at rest (bpm). Default 62. Valid: 40-100.
  double resting_heart_rate_bpm = 62.0;
  // Chance of an evening run on each day. Default 0.4. Valid: [0, 1].
  double daily_run_probability = 0.4;
  // A span during which the wearer sits still (the example patient's Holter
  // ECG): no walk, run or steps are planned in it, so the heart rate stays
  // near the resting level. Empty (zero length, the default): none.
  // Valid: duration >= 0.
  Time still_start;
  Duration still_duration;
};

// One SpO2 spot check.
struct WearableSpo2Reading {
  Time time;
  int percent = 0;
};

// The generated week. Minute i is at start + i minutes; its values are
// meaningful only where worn[i] is 1.
struct WearableWeek {
  Time start;
  Duration utc_offset;
  std::vector<uint8_t> worn;    // 1 on the wrist, 0 while charging
  std::vector<uint8_t> asleep;  // ground truth: 1 asleep
  std::vector<int> heart_rate_bpm;
  std::vector<int> steps;  // steps in the minute starting at its time
  std::vector<int> skin_temperature_decicelsius;  // 334 = 33.4 Cel
  std::vector<WearableSpo2Reading> spo2;          // in time order
};

// Returns ok when `options` is valid, else kInvalidArgument naming the field.
Status ValidateWearableOptions(const WearableOptions& options);

// Generates the week. Pure and deterministic.
// Returns kInvalidArgument when `options` is invalid.
Result<WearableWeek> BuildWearable(const WearableOptions& options);

// The CSV export: '#' comment lines saying it is synthetic (seed and
// options), then the header "time,heart_rate,steps,spo2,skin_temperature"
// and one row per minute: local ISO 8601 time with the offset
// ("2019-02-26T00:00:00+01:00"), whole bpm, steps, SpO2 % on the minutes of
// a spot check (empty otherwise), skin temperature with one decimal; the
// value fields are empty while the watch is off the wrist.
// REQUIRES: `week` came from BuildWearable(options).
std::string FormatWearableCsv(const WearableWeek& week,
                              const WearableOptions& options);

// The column mapping of that CSV: heart_rate LOINC 8867-4 (/min), steps
// LOINC 55423-8 ({steps}), spo2 LOINC 59408-5 (%), skin_temperature
// {urn:jumeau:device-csv, skin_temperature} (Cel; no quantitative LOINC
// code for skin temperature exists, and 8310-5 body temperature would mix a
// 33 degree wrist reading with core temperature).
io::CsvColumnMapping WearableMapping();

// Writes "wearable.csv" and "wearable.mapping.ini" (FormatCsvMapping of
// WearableMapping) into `out_dir` (created if missing; files replaced).
// Returns kInvalidArgument for invalid options, kIoError naming the path
// when the folder or a file cannot be written.
Status WriteWearable(const std::filesystem::path& out_dir,
                     const WearableOptions& options);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_WEARABLE_H_
