// The closed-loop 0D circulation of Regazzoni et al. as a Model (model.h):
// four chambers as time-varying elastances with cosine activation, four
// valves as non-ideal diodes, systemic and pulmonary arterial and venous
// RLC compartments. Simulated with DormandPrince54 (ode.h) to its periodic
// steady state; per-beat summaries and waveforms (pressures, volumes, flows,
// the LV pressure-volume loop). The first model of the cardiovascular twin.
//
// Reference: F. Regazzoni, M. Salvador, P. C. Africa, M. Fedele, L. Dede',
// A. Quarteroni, "A cardiac electromechanical model coupled with a lumped-
// parameter model for closed-loop blood circulation", J. Comput. Phys. 457
// (2022) 111083, arXiv:2011.15040, section 2.3 and Appendix (0D model).
// Equations, with chambers X in {LA, LV, RA, RV}:
//   p_X = E_X(t) (V_X - V0_X),  E_X(t) = EB_X + EA_X phi_X(t)
//   phi(t), m = (t - tC) mod T_HB:  (1 - cos(pi m / TC)) / 2      0 <= m < TC
//                                   (1 + cos(pi (m-TC) / TR)) / 2 TC <= m < TC+TR
//                                   0                              otherwise
//   valve flow Q = (p_up - p_down) / R(p_up, p_down), R = Rmin (Rmax/Rmin)^H,
//     H = 1/2 + atan(100 pi (p_down - p_up)) / pi  (a smooth step in mmHg;
//     the sharpness 200 pi/2 per mmHg is that of the reference implementation
//     ComputationalPhysiology/circulation, MIT; the paper's diode is a step)
//   dV_LA = Q_VEN_PUL - Q_MV    dV_LV = Q_MV - Q_AV
//   dV_RA = Q_VEN_SYS - Q_TV    dV_RV = Q_TV - Q_PV
//   C_AR_SYS dp_AR_SYS = Q_AV - Q_AR_SYS    C_VEN_SYS dp_VEN_SYS = Q_AR_SYS - Q_VEN_SYS
//   C_AR_PUL dp_AR_PUL = Q_PV - Q_AR_PUL    C_VEN_PUL dp_VEN_PUL = Q_AR_PUL - Q_VEN_PUL
//   L_AR_SYS dQ_AR_SYS = -R_AR_SYS Q_AR_SYS - p_VEN_SYS + p_AR_SYS
//   L_VEN_SYS dQ_VEN_SYS = -R_VEN_SYS Q_VEN_SYS - p_RA + p_VEN_SYS
//   L_AR_PUL dQ_AR_PUL = -R_AR_PUL Q_AR_PUL - p_VEN_PUL + p_AR_PUL
//   L_VEN_PUL dQ_VEN_PUL = -R_VEN_PUL Q_VEN_PUL - p_LA + p_VEN_PUL
// Default parameters (normal adult, the paper's 0D values as given in the
// reference implementation at 75 beats/min), units as UCUM:
//   heart rate 75 /min (T_HB = 0.8 s)
//   LA: EA 0.07, EB 0.09 mm[Hg]/mL; tC 0.80, TC 0.17, TR 0.17 s; V0 4 mL
//   LV: EA 2.75, EB 0.08 mm[Hg]/mL; tC 0.00, TC 0.34, TR 0.17 s; V0 5 mL
//   RA: EA 0.06, EB 0.07 mm[Hg]/mL; tC 0.80, TC 0.17, TR 0.17 s; V0 4 mL
//   RV: EA 0.55, EB 0.05 mm[Hg]/mL; tC 0.00, TC 0.34, TR 0.17 s; V0 10 mL
//   valves (MV, AV, TV, PV): Rmin 0.0075, Rmax 75006.2 mm[Hg].s/mL
//   SYS: R_AR 0.8, R_VEN 0.26 mm[Hg].s/mL; C_AR 1.2, C_VEN 60 mL/mm[Hg];
//        L_AR 5e-3, L_VEN 5e-4 mm[Hg].s2/mL
//   PUL: R_AR 0.1625, R_VEN 0.1625 mm[Hg].s/mL; C_AR 10, C_VEN 16 mL/mm[Hg];
//        L_AR 5e-4, L_VEN 5e-4 mm[Hg].s2/mL
//   initial state: V_LA 65, V_LV 120, V_RA 65, V_RV 145 mL; p_AR_SYS 80,
//     p_VEN_SYS 30, p_AR_PUL 35, p_VEN_PUL 24 mm[Hg]; flows 0 mL/s
//     (this sets the circulating blood volume, conserved by the model).
#ifndef JUMEAU_MODELS_CARDIO_H_
#define JUMEAU_MODELS_CARDIO_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/models/model.h"
#include "jumeau/models/ode.h"

namespace jumeau::models {

// State indices of the Regazzoni model, in states() order.
enum CardioState : int {
  kVLa = 0, kVLv, kVRa, kVRv,              // mL
  kPArSys, kPVenSys, kPArPul, kPVenPul,    // mm[Hg]
  kQArSys, kQVenSys, kQArPul, kQVenPul,    // mL/s
  kCardioStateCount
};

// Output indices, in outputs() order.
enum CardioOutput : int {
  kSystolicPressure = 0,     // mm[Hg], LOINC 8480-6 (aortic = p_AR_SYS max)
  kDiastolicPressure,        // mm[Hg], LOINC 8462-4 (p_AR_SYS min)
  kMeanArterialPressure,     // mm[Hg], LOINC 8478-0 (p_AR_SYS beat mean)
  kHeartRate,                // /min,   LOINC 8867-4
  kLvEjectionFraction,       // %,      LOINC 10230-1
  kCardiacOutput,            // L/min,  LOINC 8741-1
  kStrokeVolume,             // mL,     LOINC 20562-5 (LV stroke volume)
  kLvEndDiastolicVolume,     // mL,     urn:jumeau:model-output
  kLvEndSystolicVolume,      // mL,     urn:jumeau:model-output
  kDiastolicDecayTime,       // s,      urn:jumeau:model-output (see below)
  kArterialDpdtMax,          // mm[Hg]/s, urn:jumeau:model-output (see below)
  kCardioOutputCount
};

// One heartbeat's summary. Volumes in mL, pressures in mm[Hg].
struct CardioBeat {
  double lv_end_diastolic_volume_ml = 0;  // max V_LV over the beat
  double lv_end_systolic_volume_ml = 0;   // min V_LV over the beat
  double stroke_volume_ml = 0;            // EDV - ESV
  double ejection_fraction_percent = 0;   // 100 SV / EDV
  double cardiac_output_l_per_min = 0;    // SV * HR / 1000
  double systolic_pressure_mmhg = 0;      // max p_AR_SYS
  double diastolic_pressure_mmhg = 0;     // min p_AR_SYS
  double mean_arterial_pressure_mmhg = 0; // mean p_AR_SYS over the beat
  double heart_rate_per_min = 0;
  // Diastolic decay time constant of p_AR_SYS (s): the beat sampled at 256
  // points, rotated to run from its minimum (the pulse's foot) to the next,
  // then the definition of jumeau/analysis/abp.h DiastolicDecayTime (the
  // twin compares it with the arterial line's): the least-squares slope b of
  // ln p against t from where p first falls to diastolic + 1/2 of the pulse
  // pressure after the systolic maximum to the end of the beat, tau = -1/b.
  // p decays towards the venous pressure (~29 mm[Hg] here), not 0, so tau
  // is about R_AR_SYS C_AR_SYS mean(p) / (mean(p) - p_VEN_SYS): 1.49 s at
  // the defaults, where R C = 0.96 s (cardio_test). NaN when not defined.
  double diastolic_decay_time_s = 0;
  // Maximum rate of rise of p_AR_SYS over the beat (mm[Hg]/s): the largest
  // derivative of the solver's cubic Hermite dense output on any accepted
  // step (at the step ends that is the right-hand side itself; inside a
  // step the derivative's quadratic is maximised exactly). The arterial
  // line's dP/dt max (upstroke slope); O(h^3) in the step size h: at the
  // defaults (rtol 1e-6) within 0.01% of a 0.1 ms central difference of the
  // waveform (cardio_test asserts 0.2%). Mostly set by arterial compliance
  // and preload, less by e_active_lv (BENCHMARKS.md, issue 5).
  double arterial_dpdt_max_mmhg_per_s = 0;

  // The beat as outputs() values, in CardioOutput order.
  std::vector<double> AsOutputs() const;
  // "EDV 106.1 mL, ESV 43.2 mL, EF 59.3%, ..." on one line.
  std::string BriefReport() const;
};

struct CardioOptions {
  // Solver tolerances; defaults rtol 1e-6, atol 1e-6 (mL, mm[Hg], mL/s).
  OdeOptions ode = {.relative_tolerance = 1e-6, .absolute_tolerance = 1e-6};
  // Periodic steady state: the state at the start of consecutive beats
  // changes by at most this, relative to max(|y_i|, 1 unit); default 1e-6.
  double steady_state_tolerance = 1e-6;
  int max_beats = 2000;  // default 2000
};

struct CardioSimulation {
  CardioBeat beat;                 // the last (converged) beat
  int beats = 0;                   // beats simulated to reach it
  double relative_change = 0;      // its start-to-start state change
  std::vector<double> beat_start;  // state at the start of the next beat
  OdeSummary ode;
};

// One named waveform sampled at CardioWaveforms::time_s.
struct Trace {
  std::string name;  // "p_lv"
  std::string unit;  // "mm[Hg]"
  std::vector<double> values;
};

struct CardioWaveforms {
  std::vector<double> time_s;  // as requested: s after the steady beat start
  // The 12 states (states() names), then p_la, p_lv, p_ra, p_rv (mm[Hg])
  // and valve flows q_mv, q_av, q_tv, q_pv (mL/s). The PV loop is
  // (v_lv, p_lv).
  std::vector<Trace> traces;
  const Trace* Find(std::string_view name) const;
};

// The Regazzoni et al. 2022 closed-loop circulation (see the file comment).
// Immutable; safe for concurrent use from several threads.
class Regazzoni2022Cardio final : public Model {
 public:
  Regazzoni2022Cardio();

  std::string_view name() const override { return "regazzoni2022_cardio"; }
  std::string_view version() const override { return "1.2.0"; }
  const std::vector<ParameterSpec>& parameters() const override {
    return parameters_;
  }
  const std::vector<StateSpec>& states() const override { return states_; }
  const std::vector<OutputSpec>& outputs() const override { return outputs_; }
  void InitialState(std::span<const double> params,
                    std::span<double> y) const override;
  void Rhs(double t, std::span<const double> y, std::span<const double> params,
           std::span<double> dydt) const override;
  // Simulates to the periodic steady state with default CardioOptions and
  // returns the converged beat's outputs.
  Result<std::vector<double>> Observe(
      std::span<const double> params) const override;

  // Simulates beat by beat from the initial state (or `initial_state` when
  // not empty) until the periodic steady state (CardioOptions).
  // Returns InvalidArgument for parameters outside their bounds, a chamber
  // whose TC + TR exceeds the beat period, or a bad initial state;
  // OutOfRange when the solver fails or max_beats pass without convergence.
  Result<CardioSimulation> SimulateToSteadyState(
      std::span<const double> params, const CardioOptions& options = {},
      std::span<const double> initial_state = {}) const;

  // Simulates `beats` beats from `initial_state` (12 values) and returns the
  // summary of each; no steady-state test. Used for transients and speed.
  // Errors as SimulateToSteadyState.
  Result<std::vector<CardioBeat>> SimulateBeats(
      std::span<const double> params, std::span<const double> initial_state,
      int beats, const CardioOptions& options = {}) const;

  // Reaches the periodic steady state from the initial state (or
  // `initial_state` when not empty: e.g. a converged state of a scenario
  // whose circulating volume differs from the default), then samples
  // waveforms at `times_s` (sorted, >= 0, seconds after the start of a
  // steady beat; may span several beats). Errors as SimulateToSteadyState,
  // and InvalidArgument for unsorted or negative times.
  Result<CardioWaveforms> SimulateWaveforms(
      std::span<const double> params, std::span<const double> times_s,
      const CardioOptions& options = {},
      std::span<const double> initial_state = {}) const;

 private:
  std::vector<ParameterSpec> parameters_;
  std::vector<StateSpec> states_;
  std::vector<OutputSpec> outputs_;
};

}  // namespace jumeau::models

#endif  // JUMEAU_MODELS_CARDIO_H_
