// window.cpp: see window.h.
#include "dsp/window.h"

#include <cmath>

namespace amp::dsp {

const char *window_name(WindowKind kind) {
    switch (kind) {
    case WindowKind::Rect: return "rect";
    case WindowKind::Hann: return "hann";
    case WindowKind::Hamming: return "hamming";
    case WindowKind::Blackman: return "blackman";
    case WindowKind::BlackmanHarris: return "blackman-harris";
    case WindowKind::Kaiser: return "kaiser";
    }
    return "unknown";
}

double bessel_i0(double x) {
    // sum_k ((x/2)^k / k!)^2; every term is positive, so summing until the term no longer
    // changes the sum is exact to rounding.
    const double half = 0.5 * x;
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 500; ++k) {
        const double factor = half / k;
        term *= factor * factor;
        const double next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    return sum;
}

namespace {

// sum_m a[m] cos(m x) with alternating signs given in a.
double cosine_sum(const double *a, int terms, double x) {
    double value = 0.0;
    for (int m = 0; m < terms; ++m) value += a[m] * std::cos(m * x);
    return value;
}

} // namespace

void fill_window(WindowKind kind, double beta, bool symmetric, double *out, std::size_t n) {
    if (n == 0) return;
    if (n == 1) {
        out[0] = 1.0;
        return;
    }
    const double d = static_cast<double>(symmetric ? n - 1 : n);
    static const double kHann[] = {0.5, -0.5};
    static const double kHamming[] = {0.54, -0.46};
    static const double kBlackman[] = {0.42, -0.5, 0.08};
    static const double kBlackmanHarris[] = {0.35875, -0.48829, 0.14128, -0.01168};
    const double i0_beta = kind == WindowKind::Kaiser ? bessel_i0(beta) : 1.0;
    for (std::size_t j = 0; j < n; ++j) {
        const double x = 2.0 * M_PI * static_cast<double>(j) / d;
        switch (kind) {
        case WindowKind::Rect: out[j] = 1.0; break;
        case WindowKind::Hann: out[j] = cosine_sum(kHann, 2, x); break;
        case WindowKind::Hamming: out[j] = cosine_sum(kHamming, 2, x); break;
        case WindowKind::Blackman: out[j] = cosine_sum(kBlackman, 3, x); break;
        case WindowKind::BlackmanHarris: out[j] = cosine_sum(kBlackmanHarris, 4, x); break;
        case WindowKind::Kaiser: {
            const double r = 2.0 * static_cast<double>(j) / d - 1.0;
            out[j] = bessel_i0(beta * std::sqrt(std::fmax(0.0, 1.0 - r * r))) / i0_beta;
            break;
        }
        }
    }
    // Exact endpoints and centre where the formula only rounds to them.
    if (kind == WindowKind::Hann) {
        out[0] = 0.0;
        if (symmetric) out[n - 1] = 0.0;
    }
}

WindowGains window_gains(const double *w, std::size_t n) {
    double s1 = 0.0, s2 = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
        s1 += w[j];
        s2 += w[j] * w[j];
    }
    const double count = static_cast<double>(n);
    WindowGains gains{};
    gains.coherent_gain = s1 / count;
    gains.energy_gain = s2 / count;
    gains.enbw_bins = count * s2 / (s1 * s1);
    gains.scalloping_loss_db = -10.0 * std::log10(window_kernel_power(w, n, 0.5));
    return gains;
}

double window_kernel_power(const double *w, std::size_t n, double delta) {
    double re = 0.0, im = 0.0, s1 = 0.0;
    const double step = -2.0 * M_PI * delta / static_cast<double>(n);
    for (std::size_t j = 0; j < n; ++j) {
        const double angle = step * static_cast<double>(j);
        re += w[j] * std::cos(angle);
        im += w[j] * std::sin(angle);
        s1 += w[j];
    }
    return (re * re + im * im) / (s1 * s1);
}

} // namespace amp::dsp
