// `jumeau signal STORE PATIENT STREAM --from T --to T [--points N]
// [--format csv|json]`: exact samples when the window holds at most N of
// them, else N min/max/mean buckets served from the pyramid.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddSignalVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "signal", "Read a window of a signal stream at any zoom");
  struct Args {
    std::string store, patient, stream, from, to, format = "csv";
    int64_t points = 2000;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("PATIENT", args->patient, "Patient pseudonym")->required();
  cmd->add_option("STREAM", args->stream, "Stream name or id")->required();
  cmd->add_option("--from", args->from,
                  "Window start: ISO 8601 UTC or an offset from the stream "
                  "start (+00:05:00); "
                  "default: the stream start");
  cmd->add_option(
      "--to", args->to,
      "Window end (exclusive), same forms; default: the stream end");
  cmd->add_option("--points", args->points,
                  "Most points to return (default 2000)");
  cmd->add_option("--format", args->format, "csv (default) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (args->points < 1 || args->points > 10000000) {
        return InvalidArgumentError("--points must be between 1 and 10000000");
      }
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto patient,
                              store->FindPatient(args->patient));
      JUMEAU_ASSIGN_OR_RETURN(const auto stream,
                              store->FindStream(patient.id, args->stream));
      const Time origin = stream.signal.start;
      Time from = origin, to = stream.end();
      if (!args->from.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(from, ParseTimeArgument(args->from, origin));
      }
      if (!args->to.empty()) {
        JUMEAU_ASSIGN_OR_RETURN(to, ParseTimeArgument(args->to, origin));
      }
      JUMEAU_ASSIGN_OR_RETURN(
          const auto w, store->ReadWindow(stream.id, from, to, args->points));
      auto physical = [&](double digital) {
        return digital * w.scale + w.offset;
      };
      if (args->format == "json") {
        nlohmann::json out = {{"stream", stream.name},
                              {"unit", w.unit},
                              {"exact", w.exact},
                              {"from", FormatIso8601(from)},
                              {"to", FormatIso8601(to)}};
        if (w.exact) {
          std::vector<int64_t> t;
          std::vector<double> v;
          for (size_t i = 0; i < w.samples.size(); ++i) {
            t.push_back(w.times[i].ns_since_epoch);
            v.push_back(physical(w.samples[i]));
          }
          out["time_ns"] = t;
          out["value"] = v;
          out["digital"] = w.samples;
        } else {
          out["pyramid_level"] = w.pyramid_level;
          std::vector<int64_t> s, e, c;
          std::vector<double> lo, hi, mean;
          for (const auto& b : w.buckets) {
            s.push_back(b.start.ns_since_epoch);
            e.push_back(b.end.ns_since_epoch);
            c.push_back(b.count);
            lo.push_back(std::min(physical(b.min), physical(b.max)));
            hi.push_back(std::max(physical(b.min), physical(b.max)));
            mean.push_back(physical(b.mean));
          }
          out["start_ns"] = s;
          out["end_ns"] = e;
          out["count"] = c;
          out["min"] = lo;
          out["max"] = hi;
          out["mean"] = mean;
        }
        std::printf("%s\n", out.dump().c_str());
        return Status::Ok();
      }
      if (w.exact) {
        std::printf("time,offset_s,digital,value_%s\n", w.unit.c_str());
        for (size_t i = 0; i < w.samples.size(); ++i) {
          std::printf("%s,%.9f,%d,%.9g\n", FormatIso8601(w.times[i]).c_str(),
                      (w.times[i] - origin).seconds(), w.samples[i],
                      physical(w.samples[i]));
        }
      } else {
        std::printf("start,end,count,min_%s,max_%s,mean_%s\n", w.unit.c_str(),
                    w.unit.c_str(), w.unit.c_str());
        for (const auto& b : w.buckets) {
          std::printf(
              "%s,%s,%lld,%.9g,%.9g,%.9g\n", FormatIso8601(b.start).c_str(),
              FormatIso8601(b.end).c_str(), static_cast<long long>(b.count),
              std::min(physical(b.min), physical(b.max)),
              std::max(physical(b.min), physical(b.max)), physical(b.mean));
        }
      }
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
