// test_biquad.cpp: the biquad node against the RBJ difference equation computed here in long
// double (coefficients from the cookbook formulas written out again, independently of
// dsp/biquad_design), for every filter type with a per-frame modulated frequency (and Q and
// gain), B = 2 with different settings per batch, C = 2; the steady-state gain at f0 of each
// type against the cookbook's analytic value; block invariance; clamping of modulated values;
// heat; bad params.
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::NamedTensor;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kRate = 48000.0;
const char *const kTypes[] = {"lowpass", "highpass", "bandpass", "notch",
                              "peaking", "lowshelf", "highshelf"};
const long double kPi = 3.141592653589793238462643383279502884L;

// Cookbook coefficients {b0, b1, b2, a0, a1, a2} (not normalised).
std::vector<long double> cookbook(const std::string &type, long double f, long double q,
                                  long double g) {
    const long double w = 2 * kPi * f / kRate, cw = std::cos(w), sw = std::sin(w);
    const long double al = sw / (2 * q), A = std::pow(10.0L, g / 40), sa = 2 * std::sqrt(A) * al;
    if (type == "lowpass") return {(1 - cw) / 2, 1 - cw, (1 - cw) / 2, 1 + al, -2 * cw, 1 - al};
    if (type == "highpass") return {(1 + cw) / 2, -(1 + cw), (1 + cw) / 2, 1 + al, -2 * cw, 1 - al};
    if (type == "bandpass") return {al, 0, -al, 1 + al, -2 * cw, 1 - al};
    if (type == "notch") return {1, -2 * cw, 1, 1 + al, -2 * cw, 1 - al};
    if (type == "peaking")
        return {1 + al * A, -2 * cw, 1 - al * A, 1 + al / A, -2 * cw, 1 - al / A};
    if (type == "lowshelf")
        return {A * ((A + 1) - (A - 1) * cw + sa), 2 * A * ((A - 1) - (A + 1) * cw),
                A * ((A + 1) - (A - 1) * cw - sa), (A + 1) + (A - 1) * cw + sa,
                -2 * ((A - 1) + (A + 1) * cw),     (A + 1) + (A - 1) * cw - sa};
    return {A * ((A + 1) + (A - 1) * cw + sa), -2 * A * ((A - 1) + (A + 1) * cw),
            A * ((A + 1) + (A - 1) * cw - sa), (A + 1) - (A - 1) * cw + sa,
            2 * ((A - 1) - (A + 1) * cw),      (A + 1) - (A - 1) * cw - sa};
}

// a0 y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2], coefficients per frame.
std::vector<long double> difference_equation(const std::string &type, const std::vector<double> &x,
                                             const std::vector<double> &f,
                                             const std::vector<double> &q,
                                             const std::vector<double> &g) {
    std::vector<long double> y(x.size());
    long double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (size_t n = 0; n < x.size(); ++n) {
        const auto k = cookbook(type, f[n], q[n], g[n]);
        y[n] = (k[0] * x[n] + k[1] * x1 + k[2] * x2 - k[4] * y1 - k[5] * y2) / k[3];
        x2 = x1;
        x1 = x[n];
        y2 = y1;
        y1 = y[n];
    }
    return y;
}

std::vector<double> lane(const Tensor &t, uint32_t b, uint32_t c) {
    std::vector<double> v(t.frames);
    for (uint32_t f = 0; f < t.frames; ++f) v[f] = t.at(b, c, f);
    return v;
}

// A per-frame sweep: base * 2^(depth sin(2 pi n / period)), different per batch.
Tensor sweep(uint32_t batches, uint32_t frames, double base, double depth, double period) {
    Tensor t{batches, 1, frames, std::vector<double>(static_cast<size_t>(batches) * frames)};
    for (uint32_t b = 0; b < batches; ++b)
        for (uint32_t n = 0; n < frames; ++n)
            t.at(b, 0, n) =
                base * (1 + 0.5 * b) * std::pow(2.0, depth * std::sin(2 * M_PI * n / period + b));
    return t;
}

std::string with_type(const std::string &type) { return "{\"filter\":\"" + type + "\"}"; }

} // namespace

TEST(every_type_follows_the_rbj_difference_equation_with_modulated_frequency) {
    const uint32_t n = 3000;
    const Tensor x = amp_test::noise(2, 2, n, 3);
    const Tensor freq = sweep(2, n, 900.0, 2.5, 700.0); // about 160 Hz .. 8 kHz, per frame
    const Tensor q = sweep(2, n, 0.9, 1.0, 1300.0);
    const Tensor gain{2, 1, 1, {6.0, -9.0}};
    for (const char *type : kTypes) {
        const auto run = run_node("biquad", with_type(type), {x},
                                  {{"frequency", freq}, {"q", q}, {"gain_db", gain}}, 2, n);
        CHECK_EQ(run.status, AMP_OK);
        if (run.status != AMP_OK) continue;
        double worst = 0.0;
        for (uint32_t b = 0; b < 2; ++b) {
            const std::vector<double> g(n, gain.data[b]);
            for (uint32_t c = 0; c < 2; ++c) {
                const auto ref =
                    difference_equation(type, lane(x, b, c), lane(freq, b, 0), lane(q, b, 0), g);
                for (uint32_t f = 0; f < n; ++f)
                    worst = std::fmax(worst,
                                      std::fabs(run.out.at(b, c, f) - static_cast<double>(ref[f])));
            }
        }
        if (!(worst < 1e-10)) std::printf("  %s: worst difference %.3g\n", type, worst);
        CHECK(worst < 1e-10);
    }
}

TEST(constant_settings_follow_the_difference_equation_and_the_analytic_gain_at_f0) {
    // |H(e^{i w0})| from the cookbook: lowpass and highpass Q, bandpass 1, notch 0, peaking A^2,
    // shelves A (the midpoint gain, sqrt of the shelf gain A^2).
    const double f0 = 1500.0, q = 2.0, gain_db = 12.0;
    const double a = std::pow(10.0, gain_db / 40.0);
    const double expected[] = {q, q, 1.0, 0.0, a * a, a, a};
    const uint32_t n = 48000;
    Tensor x{1, 1, n, std::vector<double>(n)};
    for (uint32_t f = 0; f < n; ++f) x.data[f] = std::sin(2 * M_PI * f0 * f / kRate);
    for (size_t t = 0; t < 7; ++t) {
        const std::string params = "{\"filter\":\"" + std::string(kTypes[t]) +
                                   "\",\"frequency\":1500,\"q\":2,\"gain_db\":12}";
        const auto run = run_node("biquad", params, {x}, {}, 1, n);
        CHECK_EQ(run.status, AMP_OK);
        if (run.status != AMP_OK) continue;
        const auto ref =
            difference_equation(kTypes[t], x.data, std::vector<double>(n, f0),
                                std::vector<double>(n, q), std::vector<double>(n, gain_db));
        double worst = 0.0, peak = 0.0;
        for (uint32_t f = 0; f < n; ++f) {
            worst = std::fmax(worst, std::fabs(run.out.data[f] - static_cast<double>(ref[f])));
            if (f >= n / 2) peak = std::fmax(peak, std::fabs(run.out.data[f]));
        }
        CHECK(worst < 1e-10);
        CHECK_NEAR(peak, expected[t], 2e-3 * std::fmax(1.0, expected[t]));
    }
}

TEST(one_call_frame_by_frame_and_uneven_windows_agree) {
    const uint32_t n = 700;
    const Tensor x = amp_test::noise(2, 2, n, 8);
    const std::vector<NamedTensor> params = {{"frequency", sweep(2, n, 2000.0, 1.0, 333.0)},
                                             {"q", Tensor{2, 1, 1, {0.5, 4.0}}}};
    for (const char *type : kTypes)
        CHECK(block_invariant("biquad", with_type(type), {x}, params, 2, n));
    CHECK(block_invariant("biquad", "{\"filter\":\"peaking\",\"gain_db\":-6}", {x}, {}, 2, n));
}

TEST(modulated_values_outside_the_design_range_are_clamped_and_stay_finite) {
    // Modulation edges can push the settings anywhere (parameter views of a call are range
    // checked, so this goes through a graph): frequency swings over +-1e6 Hz, Q over +-1e4.
    const uint32_t n = 2000;
    const std::string src = R"({"name":"src","type":"sine_osc","params":{"frequency":1000}})";
    const std::string wild =
        R"({"nodes":[)" + src +
        R"(,{"name":"bq","type":"biquad","params":{"filter":"highshelf","gain_db":6}},)"
        R"({"name":"fm","type":"sine_osc","params":{"frequency":70,"amplitude":1e6}},)"
        R"({"name":"qm","type":"sine_osc","params":{"frequency":33,"amplitude":1e4}}],)"
        R"("edges":[{"from":"src","to":"bq"}],"modulations":[)"
        R"({"from":"fm","to":"bq","param":"frequency","mode":"add"},)"
        R"({"from":"qm","to":"bq","param":"q","mode":"add"}],"output":"bq"})";
    const auto wild_run = amp_test::render(wild, 1, 256, n);
    CHECK_EQ(wild_run.status, AMP_OK);
    bool finite = wild_run.samples.size() == n;
    for (double y : wild_run.samples) finite = finite && std::isfinite(y);
    CHECK(finite);
    // A constant setting beyond Nyquist equals the reference at the clamp bound 0.499 sr.
    const std::string high =
        R"({"nodes":[)" + src +
        R"(,{"name":"bq","type":"biquad","params":{}},)"
        R"({"name":"up","type":"constant","params":{"value":1e9}}],)"
        R"("edges":[{"from":"src","to":"bq"}],"modulations":[)"
        R"({"from":"up","to":"bq","param":"frequency","mode":"add"}],"output":"bq"})";
    const auto clamped = amp_test::render(high, 1, 256, n);
    const auto input = amp_test::render(R"({"nodes":[)" + src + R"(],"output":"src"})", 1, 256, n);
    CHECK_EQ(clamped.status, AMP_OK);
    CHECK_EQ(input.status, AMP_OK);
    if (clamped.status != AMP_OK || input.status != AMP_OK) return;
    const auto ref =
        difference_equation("lowpass", input.samples, std::vector<double>(n, 0.499 * kRate),
                            std::vector<double>(n, std::sqrt(0.5)), std::vector<double>(n, 0.0));
    double worst = 0.0;
    for (uint32_t f = 0; f < n; ++f)
        worst = std::fmax(worst, std::fabs(clamped.samples[f] - static_cast<double>(ref[f])));
    CHECK(worst < 1e-9);
}

TEST(heat_is_the_shared_model_on_the_input) {
    const Tensor x = amp_test::noise(2, 2, 200, 5);
    const auto run = run_node("biquad", "{}", {x}, {}, 2, 200);
    double expected = 2 * 200 * 5.0;
    for (double v : x.data) expected += v * v;
    CHECK_NEAR(run.heat, expected, 1e-9 * expected);
}

TEST(bad_params_are_refused_with_the_node_and_key) {
    expect_bad_params("biquad", R"({"filter":"band"})",
                      {"victim", "filter", "\"lowpass\"", "\"highshelf\""}, __LINE__);
    expect_bad_params("biquad", R"({"frequency":0})", {"victim", "frequency", "Hz"}, __LINE__);
    expect_bad_params("biquad", R"({"q":0})", {"victim", "\"q\""}, __LINE__);
    expect_bad_params("biquad", R"({"gain_db":200})", {"victim", "gain_db"}, __LINE__);
}

AMP_TEST_MAIN()
