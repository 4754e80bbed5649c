// The synthetic example patient behind `jumeau example`: a two-lead Holter-
// style ECG (ECGSYN) as a WFDB record with beat annotations, a resting EEG
// with eyes open/closed as EDF+C, a short 24-bit BDF+C, decades of clinical
// history as a FHIR R4 transaction Bundle, a genome (VCF) with a polygenic
// score file, and a week of wrist-wearable data (CSV), all one person and
// all labelled synthetic. BuildExamplePatient (example.cc) makes everything
// in memory; WriteExamplePatient (example_write.cc) writes the files.
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
#include "jumeau/synth/genome.h"
#include "jumeau/synth/history.h"
#include "jumeau/synth/wearable.h"

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

  // The patient's offset from UTC, for local times (the wearable's CSV and
  // its daily rhythm). Default +1 h (Central European winter time). Valid:
  // whole minutes within +-14 h.
  Duration utc_offset = Duration::Hours(1);

  // Clinical history ("history.json", FHIR R4 transaction Bundle; see
  // history.h). Year of birth. Default 1958. Valid: 1900-2040, the ECG no
  // earlier than the year the patient turns 18.
  int birth_year = 1958;
  // Last year with a check-up. Default 2021. Valid: from the ECG's year to
  // 2100.
  int history_end_year = 2021;

  // Genome ("genome.vcf", "score.txt"; see genome.h). Biallelic SNPs.
  // Default 3000. Valid: as GenomeOptions::snp_count.
  int genome_snp_count = 3000;
  // Variants of the polygenic score. Default 100. Valid: as
  // GenomeOptions::score_variant_count.
  int score_variant_count = 100;

  // Wearable week ("wearable.csv", "wearable.mapping.ini"; see wearable.h).
  // Length in days. Default 7. Valid: 1-31.
  int wearable_days = 7;
  // Whole local days recorded before the ECG's local day: the export starts
  // at local midnight that many days earlier. Default 4 (2019-02-26 to
  // 2019-03-04 around the default ECG day 2019-03-02). Valid: 0 ..
  // wearable_days - 1, so that the ECG day is inside the export.
  int wearable_days_before_ecg = 4;
};

// The wearable's resting heart rate is the ECG's mean heart rate minus this
// (bpm): the Holter was worn awake and sitting, a little above the resting
// rate, so that the wrist heart rate over the ECG's half hour matches the
// ECG's (within a few bpm).
inline constexpr double kWearableRestingBelowEcgBpm = 1.0;

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
  // The clinical history (with the ECG as its Holter: mean heart rate and
  // beat count measured from ecg_annotations) and its FHIR JSON text.
  ClinicalHistory history;
  std::string history_json;
  // The genome and score, and their VCF and scoring-file texts.
  SyntheticGenome genome;
  std::string genome_vcf;
  std::string score_txt;
  // The wearable week, its CSV text and the mapping-file text.
  WearableWeek wearable;
  std::string wearable_csv;
  std::string wearable_mapping;
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
// The history's Holter is the ECG (start, duration) with mean heart rate
// heart_rate_mean_bpm and no beat count; BuildExamplePatient replaces both
// with the values measured on the generated ECG.
HistoryOptions ExampleHistoryOptions(const ExampleOptions& options);
GenomeOptions ExampleGenomeOptions(const ExampleOptions& options);
// Starts at local midnight wearable_days_before_ecg days before the ECG's
// local day; resting heart rate heart_rate_mean_bpm -
// kWearableRestingBelowEcgBpm; sitting still over the ECG.
WearableOptions ExampleWearableOptions(const ExampleOptions& options);

// Builds the example patient in memory. Pure and deterministic.
// Memory: the ECG is streamed and quantised block by block (4 bytes per
// sample and lead kept); the EEG is generated whole; the texts of the
// history (about 0.5 MB), genome, score and wearable CSV (about 0.5 MB) are
// kept.
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
//   history.json       FHIR R4 transaction Bundle of the clinical history
//   genome.vcf         VCFv4.2, one sample "example"
//   score.txt          synthetic polygenic score, PGS Catalog format 2.0
//   wearable.csv       the wearable week (FormatWearableCsv)
//   wearable.mapping.ini  its column mapping (io::FormatCsvMapping)
//   README.txt         what each file is; that everything is synthetic
// Identical options give byte-identical files.
// Returns kInvalidArgument for invalid options; kIoError naming the path
// when the folder or a file cannot be written; the writers' errors otherwise.
Status WriteExamplePatient(const std::filesystem::path& out_dir,
                           const ExampleOptions& options);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_EXAMPLE_H_
