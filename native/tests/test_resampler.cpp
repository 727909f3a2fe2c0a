// test_resampler.cpp: the resampler node (a round trip sr -> sr L / M -> sr) against the
// double sum of its definition computed here, its latency 2W / L reported and measured (a
// sine comes out delayed by exactly that), the 48k -> 44.1k -> 48k round trip keeping a sine's
// frequency, passband sines within twice the tier's ripple (two conversions) and a sine above
// 22.05 kHz removed by the sinc tiers, block invariance at B = 2, C = 2.
#include <cmath>
#include <numeric>
#include <string>

#include "dsp/resample/prototype.h"
#include "node_harness.h"
#include "snapshot_continues.h"

using amp_test::block_invariant;
using amp_test::run_node;
using amp_test::Tensor;
using namespace amp::dsp::resample;

namespace {

constexpr double kRate = 48000.0;
const double kPi = 3.14159265358979323846;

std::string params(uint32_t up, uint32_t down, const char *quality) {
    return "{\"up\":" + std::to_string(up) + ",\"down\":" + std::to_string(down) +
           ",\"quality\":\"" + quality + "\"}";
}

Tensor sine(double freq, uint32_t frames, double amplitude = 1.0) {
    Tensor t{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f)
        t.data[f] = amplitude * std::sin(2 * kPi * freq * f / kRate);
    return t;
}

// Amplitude of the component at `freq` over frames [from, to): least squares fit of
// a sin + b cos (the 2 x 2 normal equations), exact for a pure sinusoid over any window.
double amplitude_at(const std::vector<double> &y, double freq, uint32_t from, uint32_t to) {
    double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
    for (uint32_t n = from; n < to; ++n) {
        const double s = std::sin(2 * kPi * freq * n / kRate);
        const double c = std::cos(2 * kPi * freq * n / kRate);
        ss += s * s;
        sc += s * c;
        cc += c * c;
        ys += y[n] * s;
        yc += y[n] * c;
    }
    const double det = ss * cc - sc * sc;
    const double a = (ys * cc - yc * sc) / det;
    const double b = (yc * ss - ys * sc) / det;
    return std::sqrt(a * a + b * b);
}

} // namespace

TEST(round_trip_is_the_double_sum_of_its_definition) {
    const struct {
        uint32_t up, down;
        Tier tier;
        const char *name;
    } cases[] = {
        {147, 160, Tier::Fast, "fast"}, {3, 2, Tier::Linear, "linear"}, {1, 3, Tier::Best, "best"}};
    for (const auto &c : cases) {
        const uint32_t L = c.up, M = c.down, P = std::max(L, M);
        const uint32_t W = half_length(c.tier, P, L % 2 == 0 ? L / 2 : L);
        const std::vector<double> h = design(c.tier, P, W);
        const uint32_t frames = 300;
        const Tensor x = amp_test::noise(1, 1, frames, 7);
        const auto run = run_node("resampler", params(L, M, c.name), {x}, {}, 1, frames);
        CHECK_EQ(run.status, AMP_OK);
        if (run.status != AMP_OK) continue;
        const int64_t D = 2 * W / L;
        const int64_t w = W;
        // v[m] = L sum_i x[i] h[mM - iL]; y[n] = M sum_m v[m] h[nL - mM]; out[n] = y[n - D].
        auto v = [&](int64_t m) {
            double sum = 0;
            for (int64_t i = 0; i < frames; ++i) {
                const int64_t k = m * M - i * L;
                if (k >= -w && k <= w) sum += L * x.data[i] * h[k + w];
            }
            return sum;
        };
        double worst = 0;
        for (int64_t n = 0; n < frames; ++n) {
            double y = 0;
            const int64_t t = (n - D) * L;
            for (int64_t m = (t - w) / M - 2; m <= (t + w) / M + 2; ++m) {
                const int64_t k = t - m * M;
                if (k >= -w && k <= w) y += M * v(m) * h[k + w];
            }
            worst = std::fmax(worst, std::fabs(run.out.data[n] - y));
        }
        if (!(worst < 1e-12)) std::printf("  %u/%u %s: %g\n", L, M, c.name, worst);
        CHECK(worst < 1e-12);
    }
}

TEST(latency_is_reported_and_measured_and_the_round_trip_keeps_frequency) {
    for (const char *quality : {"linear", "fast", "best"}) {
        const Tier tier = std::string(quality) == "linear"
                              ? Tier::Linear
                              : (std::string(quality) == "fast" ? Tier::Fast : Tier::Best);
        const uint32_t W = half_length(tier, 160, 147);
        const uint32_t D = 2 * W / 147;
        const std::string graph =
            "{\"nodes\":[{\"name\":\"s\",\"type\":\"sine_osc\",\"params\":{\"frequency\":1000}},"
            "{\"name\":\"r\",\"type\":\"resampler\",\"params\":" +
            params(147, 160, quality) +
            "}],\"edges\":[{\"from\":\"s\",\"to\":\"r\"}],\"output\":\"r\"}";
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(graph.c_str(), &rt), AMP_OK);
        AmpNodeSummary summary{};
        CHECK_EQ(amp_graph_runtime_describe_node(rt, "r", &summary), AMP_OK);
        CHECK_EQ(summary.declared_delay_frames, D);
        CHECK_EQ(summary.measured_delay_frames, static_cast<double>(D));
        amp_graph_runtime_destroy(rt);
        // Measured: the delay that best aligns the output with the input sine.
        const double freq = 1000.0;
        const Tensor x = sine(freq, 4000);
        const auto run = run_node("resampler", params(147, 160, quality), {x}, {}, 1, 4000, {111});
        CHECK_EQ(run.status, AMP_OK);
        if (run.status != AMP_OK) continue;
        uint32_t best_d = 0;
        double best = 1e9;
        for (uint32_t d = 0; d < 100; ++d) {
            double worst = 0;
            for (uint32_t n = 200; n < 4000; ++n)
                worst = std::fmax(worst, std::fabs(run.out.data[n] - x.data[n - d]));
            if (worst < best) best = worst, best_d = d;
        }
        std::printf("  %s: latency %u frames, measured %u, residual %.3g\n", quality, D, best_d,
                    best);
        CHECK_EQ(best_d, D);
        // Frequency kept: all the output's energy at 1000 Hz, none elsewhere to 1e-3.
        const double a = amplitude_at(run.out.data, freq, 200, 4000);
        CHECK(std::fabs(a - 1.0) < (tier == Tier::Linear ? 0.02 : 1e-3));
        double rest = 0, total = 0;
        for (uint32_t n = 200; n < 4000; ++n) {
            total += run.out.data[n] * run.out.data[n];
            const double e = run.out.data[n] - x.data[n - D] * a;
            rest += e * e;
        }
        CHECK(rest / total < (tier == Tier::Linear ? 1e-3 : 1e-7));
    }
}

TEST(passband_and_stopband_of_each_sinc_tier_through_the_node) {
    for (const char *quality : {"fast", "best"}) {
        const TierSpec &spec = tier_spec(std::string(quality) == "fast" ? Tier::Fast : Tier::Best);
        const double nyquist_low = 22050.0;
        double ripple = 0;
        for (double fraction : {0.05, 0.2, 0.4, 0.6, spec.passband}) {
            const double freq = fraction * nyquist_low;
            const auto run =
                run_node("resampler", params(147, 160, quality), {sine(freq, 12000)}, {}, 1, 12000);
            CHECK_EQ(run.status, AMP_OK);
            const double a = amplitude_at(run.out.data, freq, 2000, 12000);
            ripple = std::fmax(ripple, std::fabs(20 * std::log10(a)));
        }
        // A 23 kHz sine is above 22.05 kHz: removed.
        const auto stop =
            run_node("resampler", params(147, 160, quality), {sine(23000, 12000)}, {}, 1, 12000);
        double power = 0;
        for (uint32_t n = 2000; n < 12000; ++n) power += stop.out.data[n] * stop.out.data[n];
        const double stop_db = -10 * std::log10(power / 10000 / 0.5 + 1e-300);
        std::printf("  %s: passband ripple %.2e dB (limit %.2e x 2), 23 kHz down %.1f dB "
                    "(limit %.0f)\n",
                    quality, ripple, spec.max_ripple_db, stop_db, spec.min_stopband_db);
        CHECK(ripple <= 2 * spec.max_ripple_db + 1e-6);
        CHECK(stop_db >= spec.min_stopband_db);
    }
}

TEST(block_invariant_with_lanes) {
    const Tensor x = amp_test::noise(2, 2, 700, 11);
    CHECK(block_invariant("resampler", params(147, 160, "fast"), {x}, {}, 2, 700));
    CHECK(block_invariant("resampler", params(2, 5, "linear"), {x}, {}, 2, 700));
    // up = down: the identity (quality would have no effect there and is refused:
    // test_param_requirements.cpp).
    const auto same = run_node("resampler", "{\"up\":3,\"down\":3}", {x}, {}, 2, 700);
    CHECK(same.status == AMP_OK && same.out.data == x.data);
}

TEST(snapshot_continues_bit_for_bit) {
    const Tensor x = amp_test::noise(1, 2, 3000, 5);
    CHECK(amp_test::snapshot_continues("resampler", params(147, 160, "fast"), {x}, 3000, 1111));
    CHECK(amp_test::snapshot_continues("resampler", params(5, 2, "best"), {x}, 3000, 777));
}

AMP_TEST_MAIN()
