// window.h: analysis windows and their gains (pure functions, double precision).
//
// For a window of n samples, j = 0 .. n - 1, with D = n (periodic, DFT-even) or D = n - 1
// (symmetric) and x = 2 pi j / D:
//   rect             1
//   hann             0.5 - 0.5 cos x
//   hamming          0.54 - 0.46 cos x
//   blackman         0.42 - 0.5 cos x + 0.08 cos 2x
//   blackman-harris  0.35875 - 0.48829 cos x + 0.14128 cos 2x - 0.01168 cos 3x   (4-term, -92 dB)
//   kaiser(beta)     I0(beta sqrt(1 - (2j/D - 1)^2)) / I0(beta)
// A symmetric window of one sample is {1}.
#pragma once

#include <cstddef>
#include <cstdint>

namespace amp::dsp {

enum class WindowKind : uint32_t {
    Rect = 0,
    Hann = 1,
    Hamming = 2,
    Blackman = 3,
    BlackmanHarris = 4,
    Kaiser = 5,
};
constexpr uint32_t kWindowKindCount = 6;

// Stable lower-case name ("blackman-harris"), as in TypeScript.
const char *window_name(WindowKind kind);

// Writes the n >= 1 samples of the window into out. beta is used by Kaiser only.
void fill_window(WindowKind kind, double beta, bool symmetric, double *out, std::size_t n);

struct WindowGains {
    double coherent_gain;      // sum(w) / n
    double energy_gain;        // sum(w^2) / n
    double enbw_bins;          // n sum(w^2) / sum(w)^2
    double scalloping_loss_db; // -10 log10(kernel_power(w, n, 0.5)) >= 0
};
WindowGains window_gains(const double *w, std::size_t n);

// |sum_j w[j] exp(-2 pi i j delta / n)|^2 / sum(w)^2: the power a sine `delta` bins off a bin
// centre keeps in that bin, relative to a centred one (1 at delta = 0). O(n).
double window_kernel_power(const double *w, std::size_t n, double delta);

// Modified Bessel function of the first kind, order 0 (power series to full precision).
double bessel_i0(double x);

} // namespace amp::dsp
