// prototype.cpp: windowed-sinc and triangle prototypes; see prototype.h.
#include "dsp/resample/prototype.h"

#include <algorithm>
#include <cmath>

namespace amp::dsp::resample {

namespace {

const double kPi = 3.14159265358979323846;

const TierSpec kTiers[kTierCount] = {
    {"linear", 1, 0.25, 1.0, 0.0, 0.45, 28.0, true},
    {"fast", 16, 0.70, 0.85, 75.0, 0.002, 73.0, false},
    {"best", 40, 0.80, 0.90, 120.0, 0.00002, 119.0, false},
};

// Kaiser's beta for a design attenuation in dB.
double kaiser_beta(double attenuation_db) {
    if (attenuation_db > 50.0) return 0.1102 * (attenuation_db - 8.7);
    if (attenuation_db >= 21.0)
        return 0.5842 * std::pow(attenuation_db - 21.0, 0.4) + 0.07886 * (attenuation_db - 21.0);
    return 0.0;
}

} // namespace

const char *const kTierNames[kTierCount] = {"linear", "fast", "best"};

const TierSpec &tier_spec(Tier tier) { return kTiers[static_cast<uint32_t>(tier)]; }

double bessel_i0(double x) {
    // sum_k ((x / 2)^k / k!)^2, to double precision.
    const double q = x * x / 4.0;
    double term = 1.0;
    double sum = 1.0;
    for (int k = 1; k < 500; ++k) {
        term *= q / (static_cast<double>(k) * static_cast<double>(k));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

uint32_t half_length(Tier tier, uint32_t period, uint32_t multiple) {
    const uint32_t span = tier_spec(tier).half_periods * period;
    return (span + multiple - 1) / multiple * multiple;
}

std::vector<double> design(Tier tier, uint32_t period, uint32_t half_width) {
    const TierSpec &spec = tier_spec(tier);
    const int64_t span = static_cast<int64_t>(spec.half_periods) * period;
    const int64_t w = half_width;
    std::vector<double> h(static_cast<size_t>(2 * w + 1), 0.0);
    const double p = static_cast<double>(period);
    if (tier == Tier::Linear) {
        for (int64_t k = -span + 1; k < span; ++k)
            h[static_cast<size_t>(k + w)] = 1.0 - static_cast<double>(k < 0 ? -k : k) / p;
    } else {
        // Cutoff in cycles per high-rate sample: cutoff x Nyquist_low / Fh = cutoff / (2 P).
        const double fc = spec.cutoff / (2.0 * p);
        const double beta = kaiser_beta(spec.design_db);
        const double norm = bessel_i0(beta);
        for (int64_t k = -span; k <= span; ++k) {
            const double x = static_cast<double>(k);
            const double arg = 2.0 * kPi * fc * x;
            const double sinc = k == 0 ? 1.0 : std::sin(arg) / arg;
            const double r = x / static_cast<double>(span);
            const double window = bessel_i0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / norm;
            h[static_cast<size_t>(k + w)] = sinc * window;
        }
    }
    double sum = 0.0;
    for (double v : h) sum += v;
    for (double &v : h) v /= sum;
    return h;
}

} // namespace amp::dsp::resample
