// The synthetic example patient behind `jumeau example`: a two-lead Holter-
// style ECG (ECGSYN) as a WFDB record with beat annotations, a resting EEG
// with eyes open/closed as EDF+C, and a short 24-bit BDF+C, all labelled
// synthetic. BuildExamplePatient (example.cc) makes the recordings in memory;
// WriteExamplePatient (example_write.cc) writes them through jumeau/io.
#ifndef JUMEAU_SYNTH_EXAMPLE_H_
#define JUMEAU_SYNTH_EXAMPLE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/synth/ecgsyn.h"
#include "jumeau/synth/eeg.h"

namespace jumeau::synth {

// 2019-03-02T08:00:00Z: the fixed default start, so that the output does not
// depend on when it is made.
inline constexpr Time kExampleDefaultStart =
    Time::FromNanoseconds(1551513600LL * 1000000000LL);

// Options of the example patient. Identical options give byte-identical
// files.
struct ExampleOptions {
  // Seed of every generator (each file gets its own derived seed). Default 1.
  uint64_t seed = 1;
  // Start of the ECG (the Holter hook-up). Default kExampleDefaultStart.
  // Valid: whole seconds, years 1985-2084 (the EDF date range).
  Time start = kExampleDefaultStart;

  // ECG (WFDB record "ecg", format 212, leads MLII and V2).
  // Length. Default 30 minutes. Valid: [10 s, 24 hours].
  Duration ecg_duration = Duration::Minutes(30);
  // Sampling rate (Hz). Default 360 (as the MIT-BIH arrhythmia database).
  // Valid: [100, 1000].
  int ecg_sample_rate_hz = 360;
  // Heart rate mean and standard deviation (bpm). Defaults 70 and 3. Valid:
  // as EcgSynOptions.
  double heart_rate_mean_bpm = 70.0;
  double heart_rate_std_bpm = 3.0;
  // LF/HF ratio of the RR tachogram. Default 0.5.
  double lf_hf_ratio = 0.5;
  // White measurement noise (mV, standard deviation). Default 0.01.
  double ecg_noise_mv = 0.01;
  // Respiratory baseline wander amplitude (mV). Default 0.15.
  double ecg_baseline_wander_mv = 0.15;

  // EEG (EDF+C "eeg.edf", the 19 channels of the 10-20 system).
  // Start relative to `start`. Default 1 hour. Valid: whole seconds, >= 0.
  Duration eeg_offset = Duration::Hours(1);
  // Length. Default 10 minutes. Valid: whole seconds in [10 s, 4 hours].
  Duration eeg_duration = Duration::Minutes(10);
  // Sampling rate (Hz). Default 256. Valid: [64, 2048].
  int eeg_sample_rate_hz = 256;
  // Length of each eyes-open / eyes-closed segment (eyes open first).
  // Default 30 s. Valid: whole seconds in [1 s, eeg_duration].
  Duration eeg_segment_duration = Duration::Seconds(30);

  // BDF (BDF+C "eeg_24bit.bdf", 24-bit, a few channels at a higher rate).
  // Start relative to `start`. Default 1 hour 15 minutes. Valid: whole
  // seconds, >= 0.
  Duration bdf_offset = Duration::Minutes(75);
  // Length. Default 2 minutes. Valid: whole seconds in [10 s, 1 hour].
  Duration bdf_duration = Duration::Minutes(2);
  // Sampling rate (Hz). Default 512. Valid: [64, 4096].
  int bdf_sample_rate_hz = 512;
  // Channels. Default Fz Cz Pz O1 O2. Valid: as EegOptions::channels.
  std::vector<std::string> bdf_channels = {"Fz", "Cz", "Pz", "O1", "O2"};
};

// Everything the example folder holds, in memory.
struct ExamplePatient {
  // WFDB record "ecg": format "WFDB", two 12-bit signals "MLII" and "V2" in
  // mV (gain 200 adu/mV, baseline 0, ADC range -2048..2047; samples are
  // clamped to -2047..2047 because -2048 marks an invalid sample in format
  // 212). `events` = `ecg_annotations`.
  Recording ecg;
  // The annotation file: a rhythm annotation "+" with aux "(N" at sample 0,
  // then one "N" beat at each true R peak (code system kWfdbAnnotation,
  // time = the sample's instant exactly).
  std::vector<Event> ecg_annotations;
  // Comment lines for ecg.hea (without the leading '#'): the synthetic
  // label, the seed, the parameters.
  std::vector<std::string> ecg_header_comments;
  // EDF+C: 16-bit, physical range +-3276.7 uV over digital +-32767 (0.1 uV
  // per unit), labels "EEG Fp1"..., events: one per eyes-open/closed segment
  // (code system kEdfAnnotation, code = text = "eyes open"/"eyes closed",
  // with an end).
  Recording eeg;
  // BDF+C: 24-bit, physical range +-5000 uV over digital +-8388607, same
  // kind of events.
  Recording bdf;
  // README.txt: what each file is, that all of it is synthetic, parameters.
  std::string readme;
};

// Returns ok when `options` is valid, else kInvalidArgument naming the field.
Status ValidateExampleOptions(const ExampleOptions& options);

// The generator options the example uses for each file (derived seeds
// included), for tests and for anyone regenerating one file.
// REQUIRES: ValidateExampleOptions(options).ok().
EcgSynOptions ExampleEcgOptions(const ExampleOptions& options);
EegOptions ExampleEegOptions(const ExampleOptions& options);
EegOptions ExampleBdfOptions(const ExampleOptions& options);

// Builds the example patient in memory. Pure and deterministic.
// Memory: the ECG is streamed and quantised block by block (4 bytes per
// sample and lead kept); the EEG is generated whole.
// Returns kInvalidArgument when `options` is invalid.
Result<ExamplePatient> BuildExamplePatient(const ExampleOptions& options);

// Writes the example patient into `out_dir` (created if missing; existing
// files of the same names are replaced):
//   ecg.hea, ecg.dat   WFDB record "ecg", format 212 (header comments say
//                      "synthetic: generated by Jumeau ECGSYN (McSharry et
//                      al. 2003)", the seed and the parameters)
//   ecg.atr            its beat annotations
//   eeg.edf            EDF+C EEG with eyes open/closed annotations
//   eeg_24bit.bdf      BDF+C 24-bit EEG
//   README.txt         what each file is; that everything is synthetic
// Identical options give byte-identical files.
// Returns kInvalidArgument for invalid options; kIoError naming the path
// when the folder or a file cannot be written; the writers' errors otherwise.
Status WriteExamplePatient(const std::filesystem::path& out_dir,
                           const ExampleOptions& options);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_EXAMPLE_H_
