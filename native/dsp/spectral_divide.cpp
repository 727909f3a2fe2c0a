// spectral_divide.cpp: see spectral_divide.h.
#include "dsp/spectral_divide.h"

#include <algorithm>
#include <cmath>

namespace amp::dsp {

namespace {

constexpr double kGainFloor = 1e-6;
constexpr double kEpsFloor = 1e-12;

double clamp01(double value) { return std::min(1.0, std::max(0.0, value)); }

// The complex multiplier of bin k (before any conjugation).
struct Multiplier {
    double re, im;
};

struct FrameMultiplier {
    double in_gain, out_gain, cos_p, sin_p, half;
    const BandSettings *band;

    FrameMultiplier(const BandSettings &b, std::size_t n)
        : in_gain(std::max(b.intensity, kGainFloor)),
          out_gain(std::max(1.0 - b.intensity, kGainFloor)), cos_p(std::cos(b.phase)),
          sin_p(std::sin(b.phase)), half(static_cast<double>(n) / 2.0), band(&b) {}

    bool inside(std::size_t k) const {
        const double nu = static_cast<double>(k) / half;
        return nu >= band->lower && nu <= band->upper;
    }

    // conj(D) / max(|D|^2, eps) * g * exp(i phase).
    Multiplier at(std::size_t k, double dr, double di) const {
        const double norm = std::max(dr * dr + di * di, band->eps);
        const double g = inside(k) ? in_gain : out_gain;
        const double ar = dr / norm * g, ai = -di / norm * g;
        return {ar * cos_p - ai * sin_p, ar * sin_p + ai * cos_p};
    }
};

bool real_bin(std::size_t k, std::size_t n) { return k == 0 || (n % 2 == 0 && k == n / 2); }

} // namespace

BandSettings clamp_band(double lower, double upper, double intensity, double phase, double eps) {
    lower = std::isfinite(lower) ? clamp01(lower) : 0.0;
    upper = std::isfinite(upper) ? clamp01(upper) : 1.0;
    if (lower > upper) std::swap(lower, upper);
    intensity = std::isfinite(intensity) ? clamp01(intensity) : 1.0;
    phase = std::isfinite(phase) ? phase : 0.0;
    eps = std::isfinite(eps) ? std::max(eps, kEpsFloor) : kEpsFloor;
    return {lower, upper, intensity, phase, eps};
}

FrameMeasures divide_frame(const double *x, const double *d, double d_re, double d_im,
                           std::size_t n, const BandSettings &band, double *y) {
    const FrameMultiplier m(band, n);
    const std::size_t bins = n / 2 + 1;
    double in_band = 0.0, out_band = 0.0, abs_d = 0.0;
    for (std::size_t k = 0; k < bins; ++k) {
        const double dr = d != nullptr ? d[2 * k] : d_re;
        const double di = d != nullptr ? d[2 * k + 1] : d_im;
        const double xr = x[2 * k], xi = x[2 * k + 1];
        // Q_k = X_k conj(D_k) / max(|D_k|^2, eps); its energy share (Parseval, the real part
        // only on the real bins, each other bin counted with its mirror image).
        const double norm = std::max(dr * dr + di * di, band.eps);
        const double qr = (xr * dr + xi * di) / norm, qi = (xi * dr - xr * di) / norm;
        const bool real = real_bin(k, n);
        const double energy = real ? qr * qr : 2.0 * (qr * qr + qi * qi);
        (m.inside(k) ? in_band : out_band) += energy;
        abs_d += (real ? 1.0 : 2.0) * std::sqrt(dr * dr + di * di);
        const Multiplier w = m.at(k, dr, di);
        y[2 * k] = xr * w.re - xi * w.im;
        y[2 * k + 1] = xr * w.im + xi * w.re;
    }
    const double count = static_cast<double>(n);
    return {in_band / count, out_band / count, abs_d / count};
}

void divide_frame_adjoint(const double *x, const double *d, double d_re, double d_im, std::size_t n,
                          const BandSettings &band, double *y) {
    const FrameMultiplier m(band, n);
    const std::size_t bins = n / 2 + 1;
    for (std::size_t k = 0; k < bins; ++k) {
        const double dr = d != nullptr ? d[2 * k] : d_re;
        const double di = d != nullptr ? d[2 * k + 1] : d_im;
        Multiplier w = m.at(k, dr, di);
        w.im = real_bin(k, n) ? 0.0 : -w.im; // conj; Re only on the real bins
        const double xr = x[2 * k], xi = x[2 * k + 1];
        y[2 * k] = xr * w.re - xi * w.im;
        y[2 * k + 1] = xr * w.im + xi * w.re;
    }
}

} // namespace amp::dsp
