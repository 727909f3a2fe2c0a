// spectral_divide.h: one analysis frame of the FFT divider (nodes/fft_divider.cpp), on the
// n/2 + 1 bins of a real transform of n points (interleaved complex). Pure functions.
//
// Forward, per bin k with normalised frequency nu_k = k / (n / 2) (0 = DC, 1 = Nyquist):
//   Q_k = X_k conj(D_k) / max(|D_k|^2, eps)
//   Y_k = Q_k * g_k * exp(+i phase),  g_k = max(intensity, 1e-6) when lower <= nu_k <= upper,
//                                      max(1 - intensity, 1e-6) otherwise.
// The negative-frequency bins are the mirror images (conj), so the inverse real transform is
// the exact resynthesis; it keeps only the real part of bin 0 and (n even) bin n/2, so those
// bins are in effect scaled by Re(multiplier), e.g. cos(phase) for a real divisor.
// The adjoint multiplies by the conjugate multiplier (the frame operator is a real circulant).
#pragma once

#include <cstddef>

namespace amp::dsp {

// The band settings of one frame, already clamped: 0 <= lower <= upper <= 1,
// 0 <= intensity <= 1, eps >= 1e-12.
struct BandSettings {
    double lower;
    double upper;
    double intensity;
    double phase; // radians
    double eps;
};

// Clamps raw per-frame values as the node documents: band edges to [0, 1] and swapped when
// reversed, intensity to [0, 1], eps floored at 1e-12; a non-finite value takes its default.
BandSettings clamp_band(double lower, double upper, double intensity, double phase, double eps);

// What one frame measured: energies of Q inside and outside the band (Parseval: their sum is
// sum_j q_j^2 of the real frame q that Q resynthesises) and mean |D| over the n bins of the
// full spectrum.
struct FrameMeasures {
    double in_band;
    double out_of_band;
    double mean_abs_d;
};

// Forward: Y from X (bins interleaved). `d` is the divisor spectrum (bins), or null for the
// constant divisor d_re + i d_im on every bin. Y may alias X.
FrameMeasures divide_frame(const double *x, const double *d, double d_re, double d_im,
                           std::size_t n, const BandSettings &band, double *y);

// Adjoint of divide_frame's map X -> Y for the same divisor and band: Y = conj(multiplier) X.
// Bins 0 and (n even) n/2 use Re(multiplier), as the real inverse transform does.
void divide_frame_adjoint(const double *x, const double *d, double d_re, double d_im, std::size_t n,
                          const BandSettings &band, double *y);

} // namespace amp::dsp
