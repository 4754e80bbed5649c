// The synthetic wearable week of wearable.h: sleep, activity, heart rate,
// skin temperature and SpO2 spot checks minute by minute from one seeded
// stream; the CSV text and mapping; and WriteWearable, the only function
// here that touches files.
#include "jumeau/synth/wearable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <system_error>

#include "jumeau/core/event.h"
#include "jumeau/core/random.h"
#include "jumeau/synth/internal/text_file.h"

namespace jumeau::synth {
namespace {

constexpr int64_t kMinuteNs = 60LL * 1000000000LL;
constexpr int64_t kMinutesPerDay = 1440;

enum class Activity : uint8_t { kRest, kWalk, kRun };

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// 0 = Sunday ... 6 = Saturday, for a count of days since 1970-01-01 (a
// Thursday).
int Weekday(int64_t days_since_epoch) {
  return static_cast<int>(((days_since_epoch + 4) % 7 + 7) % 7);
}

int64_t RoundToInt(double v) { return static_cast<int64_t>(std::llround(v)); }

std::string OffsetText(Duration offset) {
  const int64_t minutes = (offset.ns < 0 ? -offset.ns : offset.ns) / kMinuteNs;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02lld:%02lld",
                offset.ns < 0 ? '-' : '+', static_cast<long long>(minutes / 60),
                static_cast<long long>(minutes % 60));
  return buffer;
}

// "2019-02-26T00:00:00+01:00": `t` in local time with its offset.
std::string LocalIso(Time t, Duration offset, const std::string& offset_text) {
  const CivilTime c = ToCivil(t + offset);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d%s",
                c.year, c.month, c.day, c.hour, c.minute, c.second,
                offset_text.c_str());
  return buffer;
}

io::CsvValueColumn Column(const char* name, const char* system,
                          const char* code, const char* unit,
                          const char* label) {
  io::CsvValueColumn c;
  c.column = name;
  c.code = Code{system, code, ""};
  c.unit = unit;
  c.label = label;
  return c;
}

}  // namespace

Status ValidateWearableOptions(const WearableOptions& o) {
  const Time lo = FromCivil(CivilTime{1900, 1, 1});
  const Time hi = FromCivil(CivilTime{2100, 1, 1});
  if (o.start < lo || o.start >= hi ||
      o.start.ns_since_epoch % kMinuteNs != 0) {
    return InvalidArgumentError(
        "wearable: start must be a whole minute in years 1900-2099");
  }
  if (o.utc_offset.ns % kMinuteNs != 0 || o.utc_offset > Duration::Hours(14) ||
      o.utc_offset < -Duration::Hours(14)) {
    return InvalidArgumentError(
        "wearable: utc_offset must be whole minutes within +-14 hours");
  }
  if (o.days < 1 || o.days > 31) {
    return InvalidArgumentError("wearable: days must be 1-31");
  }
  if (!(o.resting_heart_rate_bpm >= 40.0 &&
        o.resting_heart_rate_bpm <= 100.0)) {
    return InvalidArgumentError(
        "wearable: resting_heart_rate_bpm must be in [40, 100]");
  }
  if (!(o.daily_run_probability >= 0.0 && o.daily_run_probability <= 1.0)) {
    return InvalidArgumentError(
        "wearable: daily_run_probability must be in [0, 1]");
  }
  if (o.still_duration < Duration{}) {
    return InvalidArgumentError("wearable: still_duration must be >= 0");
  }
  return Status::Ok();
}

Result<WearableWeek> BuildWearable(const WearableOptions& o) {
  JUMEAU_RETURN_IF_ERROR(ValidateWearableOptions(o));
  const int64_t n = int64_t{o.days} * kMinutesPerDay;
  Rng rng(o.seed);

  // Local minutes since the epoch of minute 0, and helpers on local days.
  const int64_t local0 = (o.start + o.utc_offset).ns_since_epoch / kMinuteNs;
  const int64_t day0 = FloorDiv(local0, kMinutesPerDay);
  const auto midnight = [&](int64_t k) {  // minute index of local day k
    return (day0 + k) * kMinutesPerDay - local0;
  };
  const auto minute_of_day = [&](int64_t i) {
    return ((local0 + i) % kMinutesPerDay + kMinutesPerDay) % kMinutesPerDay;
  };
  const int64_t last_day = FloorDiv(local0 + n - 1, kMinutesPerDay) - day0;
  const auto mark = [&](std::vector<uint8_t>& v, int64_t begin, int64_t end,
                        uint8_t value) {
    for (int64_t i = std::max<int64_t>(begin, 0); i < std::min(end, n); ++i) {
      v[static_cast<size_t>(i)] = value;
    }
  };

  WearableWeek week;
  week.start = o.start;
  week.utc_offset = o.utc_offset;
  week.asleep.assign(static_cast<size_t>(n), 0);
  week.worn.assign(static_cast<size_t>(n), 1);

  // Sleep: the night before day k+1, for every night touching the export.
  for (int64_t k = -1; k <= last_day; ++k) {
    const int bed_weekday = Weekday(day0 + k);
    const int wake_weekday = Weekday(day0 + k + 1);
    const bool late_night = bed_weekday == 5 || bed_weekday == 6;
    const bool late_morning = wake_weekday == 6 || wake_weekday == 0;
    const int64_t bed = midnight(k) + 23 * 60 + (late_night ? 60 : 0) +
                        RoundToInt(25.0 * rng.Normal());
    const int64_t wake = midnight(k + 1) + 7 * 60 + (late_morning ? 60 : 0) +
                         RoundToInt(25.0 * rng.Normal());
    mark(week.asleep, bed, wake, 1);
    const int awakenings = 1 + static_cast<int>(rng.Uniform() * 3.0);
    for (int a = 0; a < awakenings; ++a) {
      // Somewhere after the first and before the last half hour.
      const double span =
          static_cast<double>(std::max<int64_t>(wake - bed - 60, 0));
      const int64_t at = bed + 30 + static_cast<int64_t>(rng.Uniform() * span);
      mark(week.asleep, at, at + 2 + RoundToInt(rng.Exponential(3.0)), 0);
    }
  }

  // Minutes sitting still (the minutes starting inside the span).
  std::vector<uint8_t> still(static_cast<size_t>(n), 0);
  if (o.still_duration > Duration{}) {
    const int64_t from = FloorDiv((o.still_start - o.start).ns, kMinuteNs);
    const int64_t to = FloorDiv(
        (o.still_start + o.still_duration - o.start).ns + kMinuteNs - 1,
        kMinuteNs);
    mark(still, from, to, 1);
  }

  // Planned activity: commutes, runs, then charging; random walks below.
  std::vector<Activity> activity(static_cast<size_t>(n), Activity::kRest);
  std::vector<double> cadence(static_cast<size_t>(n), 0.0);
  const auto plan = [&](int64_t begin, int64_t end, Activity what, double c) {
    for (int64_t i = std::max<int64_t>(begin, 0); i < std::min(end, n); ++i) {
      if (week.asleep[static_cast<size_t>(i)] ||
          still[static_cast<size_t>(i)]) {
        continue;
      }
      activity[static_cast<size_t>(i)] = what;
      cadence[static_cast<size_t>(i)] = c;
    }
  };
  for (int64_t k = 0; k <= last_day; ++k) {
    const int weekday = Weekday(day0 + k);
    if (weekday >= 1 && weekday <= 5) {
      const int64_t morning =
          midnight(k) + 8 * 60 + 10 + RoundToInt(10.0 * rng.Normal());
      plan(morning,
           morning + std::max<int64_t>(5, 15 + RoundToInt(3.0 * rng.Normal())),
           Activity::kWalk, 100.0 + 10.0 * rng.Normal());
      const int64_t evening =
          midnight(k) + 17 * 60 + 40 + RoundToInt(15.0 * rng.Normal());
      plan(evening,
           evening + std::max<int64_t>(5, 15 + RoundToInt(3.0 * rng.Normal())),
           Activity::kWalk, 100.0 + 10.0 * rng.Normal());
    }
    int64_t run_end = 0;
    const bool runs = rng.Uniform() < o.daily_run_probability;
    if (runs) {
      const int64_t run =
          midnight(k) + 18 * 60 + 30 + RoundToInt(30.0 * rng.Normal());
      run_end = run + 30 + static_cast<int64_t>(rng.Uniform() * 11.0);
      plan(run, run_end, Activity::kRun, 160.0 + 5.0 * rng.Normal());
    }
    int64_t charge =
        midnight(k) + 19 * 60 + 30 + RoundToInt(45.0 * rng.Normal());
    if (runs) charge = std::max(charge, run_end + 5);
    const int64_t charge_minutes =
        40 + static_cast<int64_t>(rng.Uniform() * 41.0);
    mark(week.worn, charge, charge + charge_minutes, 0);
  }
  for (int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<size_t>(i);
    if (week.asleep[u] || activity[u] != Activity::kRest) continue;
    if (rng.Uniform() < 1.0 / 75.0) {
      const int64_t length = 2 + RoundToInt(rng.Exponential(6.0));
      const double c = 100.0 + 10.0 * rng.Normal();
      for (int64_t j = i; j < std::min(i + length, n); ++j) {
        const auto v = static_cast<size_t>(j);
        if (week.asleep[v] || activity[v] != Activity::kRest || still[v]) {
          break;
        }
        activity[v] = Activity::kWalk;
        cadence[v] = c;
      }
    }
  }

  // Steps, heart rate and skin temperature, minute by minute.
  week.steps.assign(static_cast<size_t>(n), 0);
  week.heart_rate_bpm.assign(static_cast<size_t>(n), 0);
  week.skin_temperature_decicelsius.assign(static_cast<size_t>(n), 0);
  const double resting = o.resting_heart_rate_bpm;
  double hr = resting - 8.0;
  double hr_noise = 0.0;
  double temperature = 34.0;
  double temperature_noise = 0.0;
  const double rise = 1.0 - std::exp(-1.0 / 1.5);
  const double fall = 1.0 - std::exp(-1.0 / 3.0);
  const double skin = 1.0 - std::exp(-1.0 / 15.0);
  constexpr double kTwoPi = 2.0 * std::numbers::pi;
  for (int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<size_t>(i);
    const bool asleep = week.asleep[u] != 0;
    const double hours = static_cast<double>(minute_of_day(i)) / 60.0;
    int steps = 0;
    double exertion = 0.0;
    if (!asleep) {
      switch (activity[u]) {
        case Activity::kWalk:
          steps = static_cast<int>(std::max<int64_t>(
              0, RoundToInt(cadence[u] + 6.0 * rng.Normal())));
          exertion = 0.28 * steps;
          break;
        case Activity::kRun:
          steps = static_cast<int>(std::max<int64_t>(
              0, RoundToInt(cadence[u] + 5.0 * rng.Normal())));
          exertion = 0.5 * steps;
          break;
        case Activity::kRest:
          if (rng.Uniform() < 0.25) {
            steps = 1 + static_cast<int>(rng.Uniform() * 25.0);
          }
          if (still[u]) steps = 0;
          exertion = 0.3 * steps;
          break;
      }
    }
    week.steps[u] = steps;

    const double target = resting +
                          5.0 * std::cos(kTwoPi * (hours - 16.0) / 24.0) -
                          (asleep ? 8.0 : 0.0) + exertion;
    hr += (target - hr) * (target > hr ? rise : fall);
    hr_noise = 0.7 * hr_noise + 1.5 * rng.Normal();
    week.heart_rate_bpm[u] = static_cast<int>(
        std::clamp<int64_t>(RoundToInt(hr + hr_noise), 35, 210));

    double skin_target =
        asleep ? 34.4 : 32.2 + 0.4 * std::cos(kTwoPi * (hours - 15.0) / 24.0);
    if (activity[u] == Activity::kRun && !asleep) skin_target -= 0.8;
    temperature += (skin_target - temperature) * skin;
    temperature_noise = 0.9 * temperature_noise + 0.05 * rng.Normal();
    week.skin_temperature_decicelsius[u] =
        static_cast<int>(RoundToInt(10.0 * (temperature + temperature_noise)));
  }

  // SpO2 spot checks 5-15 minutes apart, on the wrist only.
  int64_t next = static_cast<int64_t>(rng.Uniform() * 15.0);
  while (next < n) {
    const auto u = static_cast<size_t>(next);
    double value =
        week.asleep[u] ? 95.0 + rng.Normal() : 97.3 + 0.8 * rng.Normal();
    if (week.asleep[u] && rng.Uniform() < 0.03) {
      value -= 3.0 + 2.0 * rng.Uniform();
    }
    if (week.worn[u]) {
      week.spo2.push_back(
          {o.start + Duration{next * kMinuteNs},
           static_cast<int>(std::clamp<int64_t>(RoundToInt(value), 85, 100))});
    }
    next += 5 + static_cast<int64_t>(rng.Uniform() * 11.0);
  }
  return week;
}

std::string FormatWearableCsv(const WearableWeek& week,
                              const WearableOptions& options) {
  const std::string offset = OffsetText(week.utc_offset);
  std::string out;
  out.reserve(week.worn.size() * 44 + 1024);
  out +=
      "# synthetic: generated by Jumeau's wearable model "
      "(jumeau/synth/wearable.h); not a real person\n";
  char line[256];
  std::snprintf(line, sizeof line,
                "# seed=%llu days=%d start=%s resting_heart_rate_bpm=%g "
                "daily_run_probability=%g\n",
                static_cast<unsigned long long>(options.seed), options.days,
                LocalIso(week.start, week.utc_offset, offset).c_str(),
                options.resting_heart_rate_bpm, options.daily_run_probability);
  out += line;
  out +=
      "# heart_rate /min; steps in the minute; spo2 % (spot checks every "
      "5-15 min); skin_temperature Cel (wrist); empty: watch off the wrist\n";
  out += "time,heart_rate,steps,spo2,skin_temperature\n";
  size_t next_spo2 = 0;
  for (size_t i = 0; i < week.worn.size(); ++i) {
    const Time t = week.start + Duration{static_cast<int64_t>(i) * kMinuteNs};
    out += LocalIso(t, week.utc_offset, offset);
    while (next_spo2 < week.spo2.size() && week.spo2[next_spo2].time < t) {
      ++next_spo2;
    }
    if (!week.worn[i]) {
      out += ",,,,\n";
      continue;
    }
    std::string spo2;
    if (next_spo2 < week.spo2.size() && week.spo2[next_spo2].time == t) {
      spo2 = std::to_string(week.spo2[next_spo2].percent);
    }
    const int dc = week.skin_temperature_decicelsius[i];
    std::snprintf(line, sizeof line, ",%d,%d,%s,%s%d.%d\n",
                  week.heart_rate_bpm[i], week.steps[i], spo2.c_str(),
                  dc < 0 ? "-" : "", std::abs(dc) / 10, std::abs(dc) % 10);
    out += line;
  }
  return out;
}

io::CsvColumnMapping WearableMapping() {
  io::CsvColumnMapping m;
  m.time_column = "time";
  m.time_format = io::CsvTimeFormat::kIso8601;
  m.delimiter = ',';
  m.columns.push_back(Column("heart_rate", code_system::kLoinc, "8867-4",
                             "/min", "Heart rate (wrist)"));
  m.columns.push_back(Column("steps", code_system::kLoinc, "55423-8", "{steps}",
                             "Steps per minute"));
  m.columns.push_back(Column("spo2", code_system::kLoinc, "59408-5", "%",
                             "SpO2 (pulse oximetry, wrist)"));
  m.columns.push_back(Column("skin_temperature", "urn:jumeau:device-csv",
                             "skin_temperature", "Cel",
                             "Skin temperature (wrist)"));
  return m;
}

Status WriteWearable(const std::filesystem::path& out_dir,
                     const WearableOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(const WearableWeek week, BuildWearable(options));
  JUMEAU_RETURN_IF_ERROR(internal::MakeDirectory(out_dir));
  JUMEAU_RETURN_IF_ERROR(internal::WriteTextFile(
      out_dir / "wearable.csv", FormatWearableCsv(week, options)));
  return internal::WriteTextFile(out_dir / "wearable.mapping.ini",
                                 io::FormatCsvMapping(WearableMapping()));
}

}  // namespace jumeau::synth
