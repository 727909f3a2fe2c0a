// test_resample_dsp.cpp: the shared resampling DSP (native/dsp/resample/). The prototypes
// against a Kaiser-windowed sinc computed here with the standard library's Bessel function,
// each tier's passband ripple and stopband attenuation measured on its frequency response
// against the figures prototype.h documents (printed: `build/native/tests/test_resample_dsp`),
// the decimator and the rational stage against direct convolutions of their defining sums.
#include <cmath>
#include <cstdio>
#include <vector>

#include "dsp/resample/decimator.h"
#include "dsp/resample/prototype.h"
#include "dsp/resample/rational_stage.h"
#include "test_support.h"

using namespace amp::dsp::resample;

namespace {

const double kPi = 3.14159265358979323846;

// |H(f)| of the taps h[k + W], f in cycles per high-rate sample.
double magnitude(const std::vector<double> &h, double f) {
    const int64_t w = static_cast<int64_t>(h.size() / 2);
    double re = 0.0, im = 0.0;
    for (int64_t k = -w; k <= w; ++k) {
        re += h[static_cast<size_t>(k + w)] * std::cos(2.0 * kPi * f * static_cast<double>(k));
        im -= h[static_cast<size_t>(k + w)] * std::sin(2.0 * kPi * f * static_cast<double>(k));
    }
    return std::sqrt(re * re + im * im);
}

struct Figures {
    double ripple_db = 0.0;   // worst |gain in dB| over the passband
    double stopband_db = 1e9; // worst attenuation over the stopband
};

Figures measure(Tier tier, uint32_t period) {
    const TierSpec &spec = tier_spec(tier);
    const std::vector<double> h = design(tier, period, half_length(tier, period));
    const double nyquist = 0.5 / period; // of the lower rate, cycles per high-rate sample
    Figures fig;
    const int steps = 500;
    for (int i = 0; i <= steps; ++i) {
        const double f = spec.passband * nyquist * i / steps;
        fig.ripple_db = std::fmax(fig.ripple_db, std::fabs(20.0 * std::log10(magnitude(h, f))));
    }
    auto stop = [&](double f) {
        fig.stopband_db = std::fmin(fig.stopband_db, -20.0 * std::log10(magnitude(h, f) + 1e-300));
    };
    if (spec.stopband_is_alias_bands) {
        for (uint32_t k = 1; k <= period; ++k)
            for (int i = -steps / 10; i <= steps / 10; ++i) {
                const double f = 2.0 * nyquist * k + spec.passband * nyquist * i / (steps / 10);
                if (f <= 0.5) stop(f);
            }
    } else {
        for (int i = 0; i <= 10 * steps; ++i) stop(nyquist + (0.5 - nyquist) * i / (10 * steps));
    }
    return fig;
}

} // namespace

TEST(sinc_prototypes_match_a_kaiser_windowed_sinc_computed_here) {
    // fast: K = 16, cutoff 0.85, Kaiser beta 0.1102 (75 - 8.7); best: K = 40, 0.90, 120 dB.
    const struct {
        Tier tier;
        double k, cutoff, beta;
    } cases[] = {{Tier::Fast, 16, 0.85, 0.1102 * (75.0 - 8.7)},
                 {Tier::Best, 40, 0.90, 0.1102 * (120.0 - 8.7)}};
    for (const auto &c : cases)
        for (uint32_t period : {2u, 4u, 16u}) {
            const uint32_t w = half_length(c.tier, period);
            CHECK_EQ(w, static_cast<uint32_t>(c.k) * period);
            const std::vector<double> h = design(c.tier, period, w);
            std::vector<double> ref(h.size());
            double sum = 0.0;
            for (int64_t k = -static_cast<int64_t>(w); k <= static_cast<int64_t>(w); ++k) {
                const double x = static_cast<double>(k);
                const double fc = c.cutoff / (2.0 * period);
                const double sinc = k == 0 ? 1.0 : std::sin(2 * kPi * fc * x) / (2 * kPi * fc * x);
                const double r = x / w;
                const double window = std::cyl_bessel_i(0.0, c.beta * std::sqrt(1.0 - r * r)) /
                                      std::cyl_bessel_i(0.0, c.beta);
                ref[static_cast<size_t>(k + w)] = sinc * window;
                sum += sinc * window;
            }
            double worst = 0.0;
            for (size_t i = 0; i < h.size(); ++i)
                worst = std::fmax(worst, std::fabs(h[i] - ref[i] / sum));
            CHECK(worst < 1e-13);
        }
    // linear: the triangle (1 - |k| / P) / P.
    const std::vector<double> t = design(Tier::Linear, 4, 4);
    const double expected[] = {0, 1, 2, 3, 4, 3, 2, 1, 0};
    for (size_t i = 0; i < 9; ++i) CHECK_NEAR(t[i], expected[i] / 16.0, 1e-15);
}

TEST(every_tier_meets_its_documented_ripple_and_stopband) {
    for (uint32_t t = 0; t < kTierCount; ++t) {
        const Tier tier = static_cast<Tier>(t);
        const TierSpec &spec = tier_spec(tier);
        for (uint32_t period : {2u, 4u, 8u, 16u}) {
            const Figures fig = measure(tier, period);
            std::printf("  %-6s P=%-3u passband ripple %.2e dB (limit %g), stopband %.1f dB "
                        "(limit %.0f)\n",
                        spec.name, period, fig.ripple_db, spec.max_ripple_db, fig.stopband_db,
                        spec.min_stopband_db);
            CHECK(fig.ripple_db <= spec.max_ripple_db);
            CHECK(fig.stopband_db >= spec.min_stopband_db);
        }
    }
}

TEST(decimator_is_the_documented_convolution_with_delay_k) {
    for (uint32_t factor : {2u, 4u, 8u}) {
        Decimator d;
        d.prepare(Tier::Fast, factor, 2);
        CHECK_EQ(d.delay_frames(), 16u);
        const std::vector<double> h = design(Tier::Fast, factor, 16 * factor);
        std::vector<double> x(factor * 200);
        for (size_t j = 0; j < x.size(); ++j)
            x[j] = std::sin(0.37 * static_cast<double>(j)) +
                   0.25 * std::cos(1.9 * static_cast<double>(j));
        double worst = 0.0;
        for (size_t n = 0; n < 200; ++n) {
            const double y = d.process(1, x.data() + n * factor);
            double ref = 0.0;
            for (size_t k = 0; k < h.size(); ++k) {
                const int64_t j =
                    static_cast<int64_t>(n * factor + factor - 1) - static_cast<int64_t>(k);
                if (j >= 0) ref += h[k] * x[static_cast<size_t>(j)];
            }
            worst = std::fmax(worst, std::fabs(y - ref));
        }
        CHECK(worst < 1e-14);
    }
}

TEST(rational_stage_is_the_ideal_conversion_sum) {
    const struct {
        uint32_t up, down;
        Tier tier;
    } cases[] = {
        {147, 160, Tier::Fast}, {160, 147, Tier::Linear}, {3, 2, Tier::Best}, {1, 4, Tier::Fast}};
    for (const auto &c : cases) {
        const uint32_t period = std::max(c.up, c.down);
        const uint32_t w = half_length(c.tier, period);
        const std::vector<double> h = design(c.tier, period, w);
        RationalStage stage;
        stage.prepare(c.up, c.down, h, c.up, 0, 1, 0);
        std::vector<double> x(400);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = std::sin(0.11 * static_cast<double>(i)) *
                   std::cos(0.013 * static_cast<double>(i * i));
        std::vector<std::pair<int64_t, double>> outputs;
        for (double v : x) {
            stage.push(0, v);
            while (stage.ready(0)) {
                const int64_t m = stage.next_output(0);
                outputs.emplace_back(m, stage.pull(0));
            }
        }
        CHECK(!outputs.empty() && outputs.front().first == stage.first_output());
        double worst = 0.0;
        for (const auto &[m, y] : outputs) {
            double ref = 0.0;
            for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) {
                const int64_t k = m * c.down - i * c.up;
                if (k >= -static_cast<int64_t>(w) && k <= static_cast<int64_t>(w))
                    ref += c.up * x[static_cast<size_t>(i)] * h[static_cast<size_t>(k + w)];
            }
            worst = std::fmax(worst, std::fabs(y - ref));
        }
        CHECK(worst < 1e-12);
    }
}

AMP_TEST_MAIN()
