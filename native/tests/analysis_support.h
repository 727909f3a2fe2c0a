// analysis_support.h: helpers for the analysis tests: deterministic signals, plans and the
// analysis last error.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "amp_native.h"

namespace amp_test {

// Deterministic uniform numbers in [-1, 1) (64-bit LCG, top 53 bits).
struct Random {
    uint64_t state;
    explicit Random(uint64_t seed) : state(seed) {}
    double uniform() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) * (2.0 / 9007199254740992.0) - 1.0;
    }
    // Standard normal (Box-Muller).
    double normal() {
        const double u1 = 0.5 * (uniform() + 1.0) + 1e-300, u2 = 0.5 * (uniform() + 1.0);
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }
};

inline std::vector<double> sine(double frequency, double amplitude, double rate, size_t n,
                                double phase = 0.0) {
    std::vector<double> x(n);
    for (size_t i = 0; i < n; ++i)
        x[i] = amplitude * std::sin(2.0 * M_PI * frequency * static_cast<double>(i) / rate + phase);
    return x;
}

inline AmpAnalysisConfig config(uint32_t window, uint32_t size, uint32_t hop,
                                double rate = 48000.0) {
    AmpAnalysisConfig c{};
    c.sample_rate = rate;
    c.size = size;
    c.hop = hop;
    c.window = window;
    c.kaiser_beta = 8.6;
    c.scale = AMP_SCALE_BINS;
    c.floor_db = -200.0;
    return c;
}

inline std::string analysis_error() {
    AmpErrorView view{};
    amp_analysis_last_error(&view);
    return view.detail != nullptr ? view.detail : "";
}

inline AmpAudioView mono(const std::vector<double> &x) {
    return AmpAudioView{x.data(), 1, 1, static_cast<uint32_t>(x.size())};
}

} // namespace amp_test
