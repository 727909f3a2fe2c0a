// bench_signals.h: the benchmark signals, their exact references, and the output check every
// system's render goes through (ours, Faust, Web Audio), so a broken render cannot be fast.
//
// Signals (48 kHz unless told otherwise; f_i = 100 + 37 i Hz):
//   sines:N   sum over i < N of 0.5 sin(2 pi f_i (n + offset) / rate)
//   gain      the one-sine signal scaled by 0.5 (amplitude 0.25)
//   chain     sine (100 Hz, 0.5) -> gain 0.5 -> safety (DC blocker a = 0.995, clip to [-1, 1])
//   sawlp     saw 220 Hz (naive: 2 phi - 1, amplitude 1) -> RBJ lowpass 1 kHz, Q 1/sqrt(2) ->
//             gain 0.5 (peers.md); the reference runs the difference equation in long double;
//             every sample within 1e-6 (systems computing the same naive saw)
//   sawlp-bl  the same graph from a band-limited saw (ours polyblep, Faust os.sawtooth): the
//             same reference, checked loosely (every sample within 0.15, peak in [0.2, 0.6])
//   sawlp-wa  as sawlp-bl with the saw half a cycle later (Web Audio's sawtooth is 0 at phase 0)
// n = 0, 1, ... is the frame index; `offset` is the system's phase convention: 1 when the phase
// advances before the first sample (ours, Faust's lf_sawpos), 0 when the first sample is at
// phase 0 (Web Audio). Every f_i is a whole number of hertz and the rate a whole number, so the
// phase (f_i (n + offset) mod rate) / rate is exact in integers and the sines repeat every
// `rate` frames: one period is tabulated in long double. The chain's DC blocker is run in long
// double over the whole signal.
//
// Check: the count of non-finite samples (any fails), the maximum absolute error against the
// reference over every other frame and the peak |x|;
// for sine sums also, per component, its amplitude (correlation over the first second) and its
// frequency error in hertz (phase drift of that correlation between the first and the last whole
// second).
#ifndef AMP_BENCH_SIGNALS_H
#define AMP_BENCH_SIGNALS_H

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace amp_bench {

inline uint64_t sine_frequency_hz(uint32_t i) { return 100u + 37u * i; }

constexpr double kChainGain = 0.5;
constexpr double kChainDcAlpha = 0.995;

// Sum of `count` sines of `amplitude` each, one period (rate frames) tabulated.
class ExactSines {
  public:
    ExactSines(uint32_t count, uint32_t rate, uint32_t offset, long double amplitude = 0.5L)
        : count_(count), rate_(rate), offset_(offset), amplitude_(amplitude), period_(rate) {
        const long double two_pi = 6.283185307179586476925286766559L;
        for (uint32_t n = 0; n < rate; ++n) {
            long double sum = 0.0L;
            for (uint32_t i = 0; i < count; ++i) {
                const uint64_t cycles = (sine_frequency_hz(i) * (n + uint64_t{offset})) % rate;
                sum += amplitude * std::sin(two_pi * static_cast<long double>(cycles) / rate);
            }
            period_[n] = static_cast<double>(sum);
        }
    }
    double at(uint64_t frame) const { return period_[frame % rate_]; }
    uint32_t count() const { return count_; }
    uint32_t rate() const { return rate_; }
    uint32_t offset() const { return offset_; }
    double amplitude() const { return static_cast<double>(amplitude_); }

  private:
    uint32_t count_, rate_, offset_;
    long double amplitude_;
    std::vector<double> period_;
};

struct CheckResult {
    double max_error = 0;            // max |x - reference| over every frame
    double peak = 0;                 // max |x|
    double amplitude_min = NAN;      // smallest measured component amplitude (sine sums)
    double amplitude_max = NAN;      // largest measured component amplitude
    double amplitude_expected = NAN; // nominal amplitude of each component
    double frequency_error_hz = NAN; // largest |measured - nominal| component frequency
    uint64_t nonfinite = 0;          // NaN or infinite samples (any fails the check)
    bool ok = false;
};

inline void measure_error(const double *x, uint64_t frames, const double *reference_or_null,
                          const ExactSines *sines, CheckResult &r) {
    for (uint64_t n = 0; n < frames; ++n) {
        if (!std::isfinite(x[n])) {
            ++r.nonfinite;
            continue;
        }
        const double want = reference_or_null ? reference_or_null[n] : sines->at(n);
        r.max_error = std::fmax(r.max_error, std::fabs(x[n] - want));
        r.peak = std::fmax(r.peak, std::fabs(x[n]));
    }
    if (r.nonfinite > 0) r.max_error = INFINITY; // a non-finite sample is an unbounded error
}

// Checks `frames` samples (at least two seconds) of a sine sum against its reference.
inline CheckResult check_sines(const ExactSines &reference, const double *x, uint64_t frames) {
    CheckResult r;
    measure_error(x, frames, nullptr, &reference, r);
    const uint32_t rate = reference.rate();
    if (frames < 2ull * rate) return r;
    const uint64_t last_second = (frames / rate - 1) * rate;
    const double two_pi = 6.283185307179586;
    r.amplitude_min = INFINITY;
    r.amplitude_max = 0;
    r.frequency_error_hz = 0;
    r.amplitude_expected = reference.amplitude();
    for (uint32_t i = 0; i < reference.count(); ++i) {
        const uint64_t f = sine_frequency_hz(i);
        std::complex<double> first{0, 0}, last{0, 0};
        for (uint32_t n = 0; n < rate; ++n) {
            const uint64_t cycles = (f * (n + uint64_t{reference.offset()})) % rate;
            const double angle = two_pi * static_cast<double>(cycles) / rate;
            const std::complex<double> basis{std::cos(angle), -std::sin(angle)};
            first += x[n] * basis;
            last += x[last_second + n] * basis;
        }
        const double amplitude = 2.0 * std::abs(first) / rate;
        const double seconds_apart = static_cast<double>(last_second) / rate;
        const double drift_hz = std::arg(last / first) / (two_pi * seconds_apart);
        r.amplitude_min = std::fmin(r.amplitude_min, amplitude);
        r.amplitude_max = std::fmax(r.amplitude_max, amplitude);
        r.frequency_error_hz = std::fmax(r.frequency_error_hz, std::fabs(drift_hz));
    }
    // Pass: every component present at its amplitude (within 0.2 %), on frequency (within
    // 1e-6 Hz), every sample within 1e-3 of the exact signal.
    const double a = r.amplitude_expected;
    r.ok = std::isfinite(r.max_error) && r.max_error < 1e-3 &&
           std::fabs(r.amplitude_min - a) < 2e-3 * a && std::fabs(r.amplitude_max - a) < 2e-3 * a &&
           r.frequency_error_hz < 1e-6;
    return r;
}

// The chain's exact output: sine -> gain -> safety (non-finite -> 0, DC blocker, clip).
inline std::vector<double> chain_reference(uint64_t frames, uint32_t rate, uint32_t offset) {
    const long double two_pi = 6.283185307179586476925286766559L;
    const long double alpha = kChainDcAlpha, beta = 1.0L - alpha;
    std::vector<double> y(frames);
    long double dc = 0.0L;
    for (uint64_t n = 0; n < frames; ++n) {
        const uint64_t cycles = (sine_frequency_hz(0) * (n + offset)) % rate;
        const long double x =
            0.5L * kChainGain * std::sin(two_pi * static_cast<long double>(cycles) / rate);
        dc = alpha * dc + beta * x;
        y[n] = static_cast<double>(std::min(1.0L, std::max(-1.0L, x - dc)));
    }
    return y;
}

constexpr uint64_t kSawHz = 220;
constexpr double kLowpassHz = 1000.0;
constexpr double kLowpassQ = 0.70710678118654752;
constexpr double kSawGain = 0.5;

// The saw -> lowpass -> gain reference; `half_cycle` shifts the saw by half a period.
inline std::vector<double> sawlp_reference(uint64_t frames, uint32_t rate, uint32_t offset,
                                           bool half_cycle) {
    const long double pi = 3.141592653589793238462643383279502884L;
    const long double w0 = 2 * pi * kLowpassHz / rate, cw = std::cos(w0);
    const long double alpha = std::sin(w0) / (2 * static_cast<long double>(kLowpassQ));
    const long double a0 = 1 + alpha;
    const long double b0 = (1 - cw) / 2 / a0, b1 = (1 - cw) / a0, b2 = b0;
    const long double a1 = -2 * cw / a0, a2 = (1 - alpha) / a0;
    long double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    std::vector<double> y(frames);
    for (uint64_t n = 0; n < frames; ++n) {
        const uint64_t cycles = (kSawHz * (n + offset) + (half_cycle ? rate / 2 : 0)) % rate;
        const long double x = 2.0L * static_cast<long double>(cycles) / rate - 1.0L;
        const long double out = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x;
        y2 = y1;
        y1 = out;
        y[n] = static_cast<double>(kSawGain * out);
    }
    return y;
}

// A named signal: "sines:N", "gain", "chain", "sawlp", "sawlp-bl" or "sawlp-wa".
struct Signal {
    std::string kind;
    uint32_t count = 1;     // sines in the sum
    double amplitude = 0.5; // of each sine at the output
};

inline bool parse_signal(const char *text, Signal &signal) {
    if (std::strncmp(text, "sines:", 6) == 0) {
        signal.kind = "sines";
        const long count = std::strtol(text + 6, nullptr, 10);
        if (count < 1 || count > 256) return false;
        signal.count = static_cast<uint32_t>(count);
        return true;
    }
    signal.kind = text;
    signal.amplitude = 0.5 * kChainGain;
    return signal.kind == "gain" || signal.kind == "chain" || signal.kind == "sawlp" ||
           signal.kind == "sawlp-bl" || signal.kind == "sawlp-wa";
}

// Checks a render of `signal`; the reference follows the system's phase convention `offset`.
inline CheckResult check_signal(const Signal &signal, const double *x, uint64_t frames,
                                uint32_t rate, uint32_t offset) {
    if (signal.kind == "chain") {
        CheckResult r;
        const std::vector<double> reference = chain_reference(frames, rate, offset);
        measure_error(x, frames, reference.data(), nullptr, r);
        r.ok = std::isfinite(r.max_error) && r.max_error < 1e-3 && r.peak > 0.2;
        return r;
    }
    if (signal.kind.rfind("sawlp", 0) == 0) {
        CheckResult r;
        const std::vector<double> reference =
            sawlp_reference(frames, rate, offset, signal.kind == "sawlp-wa");
        measure_error(x, frames, reference.data(), nullptr, r);
        const bool exact = signal.kind == "sawlp";
        r.ok = std::isfinite(r.max_error) && r.max_error < (exact ? 1e-6 : 0.15) && r.peak > 0.2 &&
               r.peak < 0.6;
        return r;
    }
    const ExactSines reference(signal.count, rate, offset, signal.amplitude);
    return check_sines(reference, x, frames);
}

// Prints the check as JSON members (no braces) for the bench scripts.
inline void print_check(const CheckResult &r) {
    auto number = [](double v) {
        static char text[4][32];
        static int next = 0;
        char *out = text[next++ % 4];
        if (std::isfinite(v))
            std::snprintf(out, 32, "%.6e", v);
        else
            std::snprintf(out, 32, "null");
        return out;
    };
    std::printf("\"ok\":%s,\"nonfinite\":%llu,\"maxError\":%s,\"peak\":%s,",
                r.ok ? "true" : "false", static_cast<unsigned long long>(r.nonfinite),
                number(r.max_error), number(r.peak));
    std::printf("\"amplitudeMin\":%s,\"amplitudeMax\":%s,", number(r.amplitude_min),
                number(r.amplitude_max));
    std::printf("\"amplitudeExpected\":%s,\"frequencyErrorHz\":%s", number(r.amplitude_expected),
                number(r.frequency_error_hz));
}

} // namespace amp_bench

#endif
