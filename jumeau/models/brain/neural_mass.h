// The neural-mass models of the brain twin (jumeau/models/brain/, pure): the
// Jansen-Rit cortical column and the Epileptor (6-variable, and the
// 2-variable reduction of the Virtual Epileptic Patient), with their
// published constants, in the conventions of The Virtual Brain (TVB 2.x:
// time in ms, the same state order and coupling inputs), so that a network
// of them (network.h) reproduces TVB's simulations. Each model is a struct of
// constants plus an inline per-node right-hand side; network.h wires them.
//
// Jansen & Rit (1995), "Electroencephalogram and visual evoked potential
// generation in a mathematical model of coupled cortical columns", Biol.
// Cybern. 73:357-366, eqs. (6)-(8), Table 1; TVB's form (David & Friston
// 2003 notation; time in ms):
//   y0' = y3                 y3' = A a S(y1 - y2) - 2 a y3 - a^2 y0
//   y1' = y4                 y4' = A a (mu + a_2 J S(a_1 J y0) + c + u) - 2 a
//   y4 - a^2 y1 y2' = y5                 y5' = B b a_4 J S(a_3 J y0) - 2 b y5 -
//   b^2 y2 S(v) = 2 nu_max / (1 + exp(r (v0 - v)))
// with c the long-range coupling (TVB adds only its first coupling term, in
// the y4 equation) and u a stimulus. Constants (TVB defaults = the paper's):
//   A 3.25 mV, B 22 mV, a 0.1 /ms, b 0.05 /ms, v0 5.52 mV, nu_max 0.0025 /ms
//   (e0 = 2.5 /s), r 0.56 /mV, J (C) 135, a_1 1, a_2 0.8, a_3 0.25, a_4 0.25,
//   mu 0.22 /ms (mean input 220 /s). The EEG-like output is y1 - y2 (mV).
//
// Jirsa, Stacey, Quilichini, Ivanov & Bernard (2014), "On the nature of
// seizure dynamics", Brain 137:2210-2230, eqs. (1)-(2); TVB's Epileptor:
//   x1' = tt (y1 - z + Iext + Kvf c1 + f1 x1 + u)
//         f1 = -a x1^2 + b x1             (x1 < 0)
//              slope - x2 + 0.6 (z - 4)^2 (x1 >= 0)
//   y1' = tt (c - d x1^2 - y1)
//   z'  = tt r (4 (x1 - x0) - z [- 0.1 z^7 if z < 0] + Ks c1)
//   x2' = tt (-y2 + x2 - x2^3 + Iext2 + bb g - 0.3 (z - 3.5) + Kf c2)
//   y2' = tt (-y2 + [aa (x2 + 0.25) if x2 >= -0.25 else 0]) / tau
//   g'  = tt (-0.01 (g - 0.1 x1))
// Constants (TVB defaults): a 1, b 3, c 1, d 5, r 0.00035, Iext 3.1,
// Iext2 0.45, slope 0, tau 10, aa 6, bb 2, Kvf 0, Kf 0, Ks 0, tt 1; x0 per
// region (-1.6 epileptogenic, -2.4 healthy in the VEP convention). All
// dimensionless; time in ms when tt = 1. Output x2 - x1 (and z).
//
// Proix, Bartolomei, Chauvel, Bernard & Jirsa (2014), "Permittivity coupling
// across brain regions determines seizure recruitment in partial epilepsy",
// J. Neurosci. 34:15009-21 (the 2-variable reduction used by the VEP, Proix
// et al. 2017 Brain 140:641): TVB's Epileptor2D
//   x1' = tt (c - z + Iext + Kvf c1 - f x1 + u)
//         f = a x1^2 + (d - b) x1 (x1 < 0);  -slope - 0.6 (z - 4)^2 + d x1 (x1
//         >= 0)
//   z'  = tt r (4 (x1 - x0) - z [- 0.1 z^7 if z < 0] + Ks c1)
// with the same constants as the 6-variable model. Output x1 (and z).
#ifndef JUMEAU_MODELS_BRAIN_NEURAL_MASS_H_
#define JUMEAU_MODELS_BRAIN_NEURAL_MASS_H_

#include <cmath>

namespace jumeau::models::brain {

// Which neural mass sits at every node of a network.
enum class NeuralMassKind { kJansenRit, kEpileptor, kEpileptor2D };

// Jansen-Rit constants (TVB JansenRit defaults; units in the file comment).
// `mu` is the excitability the twin personalises (per region when
// NetworkConfig::region_mu is set).
struct JansenRitConstants {
  double A = 3.25, B = 22.0, a = 0.1, b = 0.05, v0 = 5.52, nu_max = 0.0025,
         r = 0.56, J = 135.0, a_1 = 1.0, a_2 = 0.8, a_3 = 0.25, a_4 = 0.25,
         mu = 0.22;
  static constexpr int kStates = 6;
};

// Epileptor constants (TVB Epileptor defaults). x0 is per region
// (NetworkConfig::region_x0).
struct EpileptorConstants {
  double a = 1.0, b = 3.0, c = 1.0, d = 5.0, r = 0.00035, Iext = 3.1,
         Iext2 = 0.45, slope = 0.0, tau = 10.0, aa = 6.0, bb = 2.0, Kvf = 0.0,
         Kf = 0.0, Ks = 0.0, tt = 1.0;
};

namespace internal {

// Jansen-Rit right-hand side of one node. y, dy: 6 states (y0..y5);
// `input` = coupling + stimulus added inside the y4 equation; mu per node.
inline void JansenRitRhs(const JansenRitConstants& k, double mu,
                         const double* y, double input, double* dy) {
  const double s_pyr =
      2.0 * k.nu_max / (1.0 + std::exp(k.r * (k.v0 - (y[1] - y[2]))));
  const double s_exc =
      2.0 * k.nu_max / (1.0 + std::exp(k.r * (k.v0 - k.a_1 * k.J * y[0])));
  const double s_inh =
      2.0 * k.nu_max / (1.0 + std::exp(k.r * (k.v0 - k.a_3 * k.J * y[0])));
  dy[0] = y[3];
  dy[1] = y[4];
  dy[2] = y[5];
  dy[3] = k.A * k.a * s_pyr - 2.0 * k.a * y[3] - k.a * k.a * y[0];
  dy[4] = k.A * k.a * (mu + k.a_2 * k.J * s_exc + input) - 2.0 * k.a * y[4] -
          k.a * k.a * y[1];
  dy[5] =
      k.B * k.b * (k.a_4 * k.J * s_inh) - 2.0 * k.b * y[5] - k.b * k.b * y[2];
}

// Epileptor (6 variables: x1, y1, z, x2, y2, g) of one node. c1, c2: the
// coupling of x1 and x2; u: a stimulus current added to Iext.
inline void EpileptorRhs(const EpileptorConstants& k, double x0,
                         const double* y, double c1, double c2, double u,
                         double* dy) {
  const double x1 = y[0], y1 = y[1], z = y[2], x2 = y[3], y2 = y[4], g = y[5];
  const double f1 = x1 < 0.0 ? -k.a * x1 * x1 + k.b * x1
                             : k.slope - x2 + 0.6 * (z - 4.0) * (z - 4.0);
  dy[0] = k.tt * (y1 - z + k.Iext + u + k.Kvf * c1 + f1 * x1);
  dy[1] = k.tt * (k.c - k.d * x1 * x1 - y1);
  double z7 = 0.0;
  if (z < 0.0) {
    const double z2 = z * z;
    z7 = -0.1 * z2 * z2 * z2 * z;
  }
  const double h = 4.0 * (x1 - x0) + z7;
  dy[2] = k.tt * (k.r * (h - z + k.Ks * c1));
  dy[3] = k.tt * (-y2 + x2 - x2 * x2 * x2 + k.Iext2 + k.bb * g -
                  0.3 * (z - 3.5) + k.Kf * c2);
  const double f2 = x2 < -0.25 ? 0.0 : k.aa * (x2 + 0.25);
  dy[4] = k.tt * ((-y2 + f2) / k.tau);
  dy[5] = k.tt * (-0.01 * (g - 0.1 * x1));
}

// Epileptor2D (x1, z) of one node.
inline void Epileptor2DRhs(const EpileptorConstants& k, double x0,
                           const double* y, double c1, double u, double* dy) {
  const double x1 = y[0], z = y[1];
  const double f = x1 < 0.0 ? k.a * x1 * x1 + (k.d - k.b) * x1
                            : -k.slope - 0.6 * (z - 4.0) * (z - 4.0) + k.d * x1;
  dy[0] = k.tt * (k.c - z + k.Iext + u + k.Kvf * c1 - f * x1);
  double z7 = 0.0;
  if (z < 0.0) {
    const double z2 = z * z;
    z7 = -0.1 * z2 * z2 * z2 * z;
  }
  dy[1] = k.tt * (k.r * (4.0 * (x1 - x0) + z7 - z + k.Ks * c1));
}

}  // namespace internal
}  // namespace jumeau::models::brain

#endif  // JUMEAU_MODELS_BRAIN_NEURAL_MASS_H_
