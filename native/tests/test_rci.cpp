// test_rci.cpp: the rci node (series RLC, trapezoidal) against an independent long-double solve
// of the same discretisation (rci_reference.h) and the analytic step response of the circuit;
// its published heat i^2 R (midpoint current) through amp_run_node_v2 and through graph heat
// curves (chained stages); the energy balance input = stored + published heat (relative error
// printed; the acceptance asks 1e-6, the test 1e-9) for a sine, a step and noise; block
// invariance; B = 2, C = 2; snapshot; bad params; the catalogue entry.
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"
#include "rci_reference.h"
#include "runtime/json.h"

using amp_test::NodeRun;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kR = 10.0, kL = 0.01, kC = 1e-5, kRate = 48000.0;
const char *kParams = R"({"resistance":10,"inductance":0.01,"capacitance":1e-5})";
const char *kCurrent =
    R"({"resistance":10,"inductance":0.01,"capacitance":1e-5,"output":"current"})";

std::vector<double> lane(const Tensor &t, uint32_t b, uint32_t c) {
    std::vector<double> x(t.frames);
    for (uint32_t f = 0; f < t.frames; ++f) x[f] = t.at(b, c, f);
    return x;
}

// i^2 R with the step's midpoint current (i[n-1] + i[n]) / 2, i[-1] = 0: the documented heat.
std::vector<long double> midpoint_heat(const std::vector<long double> &current) {
    std::vector<long double> heat(current.size());
    for (size_t f = 0; f < current.size(); ++f) {
        const long double mid = (current[f] + (f ? current[f - 1] : 0)) / 2;
        heat[f] = mid * mid * kR;
    }
    return heat;
}

bool near(double got, long double expected, double relative) {
    return std::fabs(got - static_cast<double>(expected)) <=
           relative * std::max(1.0, std::fabs(static_cast<double>(expected)));
}

} // namespace

TEST(voltage_and_current_follow_the_reference_solve) {
    const Tensor u = amp_test::noise(1, 1, 2000, 5);
    const auto trace = rci_reference::simulate(lane(u, 0, 0), kR, kL, kC, kRate);
    const NodeRun v = run_node("rci", kParams, {u}, {}, 1, 2000);
    const NodeRun i = run_node("rci", kCurrent, {u}, {}, 1, 2000);
    CHECK_EQ(v.status, AMP_OK);
    CHECK_EQ(i.status, AMP_OK);
    int bad = 0;
    for (uint32_t f = 0; f < 2000; ++f) {
        bad += !near(v.out.at(0, 0, f), trace.voltage[f], 1e-12);
        bad += !near(i.out.at(0, 0, f), trace.current[f], 1e-12);
    }
    CHECK_EQ(bad, 0);
}

TEST(a_step_follows_the_analytic_underdamped_response) {
    // v(t) = 1 - e^{-at} (cos wt + a/w sin wt), a = R / 2L, w = sqrt(1/LC - a^2); the discrete
    // input ramps from 0 to 1 over the frame before t = 0, hence half a frame of time offset.
    const uint32_t n = 4800;
    const Tensor u{1, 1, n, std::vector<double>(n, 1.0)};
    const NodeRun v = run_node("rci", kParams, {u}, {}, 1, n);
    const double a = kR / (2 * kL), w = std::sqrt(1 / (kL * kC) - a * a);
    double worst = 0.0;
    for (uint32_t f = 0; f < n; ++f) {
        const double t = (f + 0.5) / kRate;
        const double exact = 1 - std::exp(-a * t) * (std::cos(w * t) + a / w * std::sin(w * t));
        worst = std::max(worst, std::fabs(v.out.at(0, 0, f) - exact));
    }
    std::printf("  unit step: worst |v - analytic| = %.3g V\n", worst);
    CHECK(worst < 1e-3);                          // the tolerance documented in rci.cpp
    CHECK_NEAR(v.out.at(0, 0, n - 1), 1.0, 1e-3); // settles at the input voltage
}

TEST(the_published_heat_is_i_squared_r_through_the_single_node_call) {
    const Tensor u = amp_test::noise(2, 2, 300, 9);
    double expected = 0.0;
    for (uint32_t b = 0; b < 2; ++b)
        for (uint32_t c = 0; c < 2; ++c)
            for (long double q :
                 midpoint_heat(rci_reference::simulate(lane(u, b, c), kR, kL, kC, kRate).current))
                expected += static_cast<double>(q);
    const NodeRun whole = run_node("rci", kParams, {u}, {}, 2, 300);
    const NodeRun frames = run_node("rci", kParams, {u}, {}, 2, 300, {1});
    CHECK_EQ(whole.status, AMP_OK);
    CHECK_NEAR(whole.heat, expected, 1e-12 * expected);
    CHECK_NEAR(frames.heat, expected, 1e-12 * expected);
    // Not the shared model: sum(u^2) would be about 1 per sample.
    CHECK(whole.heat < 0.1 * 300);
}

TEST(graph_heat_curves_of_chained_stages_are_i_squared_r) {
    const std::string src =
        R"({"name":"src","type":"sine_osc","params":{"frequency":300,"amplitude":0.8,"channels":2}})";
    const std::string json =
        std::string(R"({"nodes":[)") + src + R"(,{"name":"s1","type":"rci","params":)" + kParams +
        R"(},{"name":"s2","type":"rci","params":)" + kParams +
        R"(}],"edges":[{"from":"src","to":"s1"},{"from":"s1","to":"s2"}],"output":"s2"})";
    const std::string alone = std::string(R"({"nodes":[)") + src + R"(],"output":"src"})";
    const uint64_t n = 1000;
    const auto source = amp_test::render(alone, 1, 256, n);
    CHECK_EQ(source.status, AMP_OK);
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 1, 256), AMP_OK);
    std::vector<double> out(2 * n), heat(4 * n); // 3 nodes + the graph row
    AmpRenderOptions options{};
    options.heat_out = heat.data();
    options.heat_len = heat.size();
    CHECK_EQ(amp_graph_runtime_execute(rt, n, out.data(), out.size(), &options), AMP_OK);
    amp_graph_runtime_destroy(rt);
    std::vector<long double> h1(n, 0.0L), h2(n, 0.0L);
    for (uint32_t c = 0; c < 2; ++c) {
        const std::vector<double> u(source.samples.begin() + c * n,
                                    source.samples.begin() + (c + 1) * n);
        const auto first = rci_reference::simulate(u, kR, kL, kC, kRate);
        std::vector<double> v1(n);
        for (uint64_t f = 0; f < n; ++f) v1[f] = static_cast<double>(first.voltage[f]);
        const auto second = rci_reference::simulate(v1, kR, kL, kC, kRate);
        const auto q1 = midpoint_heat(first.current), q2 = midpoint_heat(second.current);
        for (uint64_t f = 0; f < n; ++f) {
            h1[f] += q1[f];
            h2[f] += q2[f];
            CHECK(near(out[c * n + f], second.voltage[f], 1e-11));
        }
    }
    int bad = 0;
    for (uint64_t f = 0; f < n; ++f) {
        bad += !near(heat[1 * n + f], h1[f], 1e-11);
        bad += !near(heat[2 * n + f], h2[f], 1e-11);
    }
    CHECK_EQ(bad, 0);
    CHECK(heat[1 * n + 500] > 1e-4); // the curves are not trivially zero
}

TEST(input_energy_equals_stored_energy_plus_the_published_heat) {
    // The trapezoidal rule keeps the discrete balance exactly with midpoint values:
    // E[n] - E[n-1] = h (u_mid i_mid - R i_mid^2), E = L i^2 / 2 + C v^2 / 2, and the node
    // publishes R i_mid^2 per frame. So sum h u_mid i_mid = E[N] + h sum(published heat), with
    // the heat read from the render's metrics (amp_run_node_v2) and u, i, v from the node.
    const uint32_t n = 9600;
    std::vector<Tensor> inputs;
    Tensor sine{1, 1, n, std::vector<double>(n)}, step{1, 1, n, std::vector<double>(n, 1.0)};
    for (uint32_t f = 0; f < n; ++f) sine.data[f] = std::sin(2 * M_PI * 50.0 * f / kRate);
    inputs.push_back(sine);
    inputs.push_back(step);
    inputs.push_back(amp_test::noise(1, 1, n, 17));
    for (const Tensor &u : inputs) {
        const NodeRun i = run_node("rci", kCurrent, {u}, {}, 1, n, {1, 7, 64, 3});
        const NodeRun v = run_node("rci", kParams, {u}, {}, 1, n);
        CHECK_EQ(i.status, AMP_OK);
        const double h = 1 / kRate;
        long double input = 0.0L;
        double i_prev = 0.0, u_prev = 0.0;
        for (uint32_t f = 0; f < n; ++f) {
            input += h * 0.25L * (u_prev + u.data[f]) * (i_prev + i.out.data[f]);
            i_prev = i.out.data[f];
            u_prev = u.data[f];
        }
        const long double stored =
            0.5L * kL * i_prev * i_prev + 0.5L * kC * v.out.data[n - 1] * v.out.data[n - 1];
        const long double dissipated = h * static_cast<long double>(i.heat);
        const double relative =
            static_cast<double>(std::fabs(input - (stored + dissipated)) / input);
        std::printf("  input %.9Lg J, stored %.9Lg J, dissipated %.9Lg J, relative error %.3g\n",
                    input, stored, dissipated, relative);
        CHECK(relative < 1e-9); // the acceptance asks 1e-6
        CHECK(input > 0.0L && dissipated > 0.0L && stored > 0.0L);
    }
}

TEST(blocks_lanes_and_snapshot_hold) {
    const Tensor u = amp_test::noise(2, 2, 500, 13);
    CHECK(amp_test::block_invariant("rci", kParams, {u}, {}, 2, 500));
    CHECK(amp_test::block_invariant("rci", kCurrent, {u}, {}, 2, 500));
    const NodeRun both = run_node("rci", kParams, {u}, {}, 2, 500);
    for (uint32_t b = 0; b < 2; ++b)
        for (uint32_t c = 0; c < 2; ++c) {
            const auto trace = rci_reference::simulate(lane(u, b, c), kR, kL, kC, kRate);
            int bad = 0;
            for (uint32_t f = 0; f < 500; ++f)
                bad += !near(both.out.at(b, c, f), trace.voltage[f], 1e-12);
            CHECK_EQ(bad, 0);
        }
}

TEST(bad_params_are_refused_with_the_node_and_key) {
    amp_test::expect_bad_params("rci", R"({"resistance":0})", {"victim", "resistance", "ohms"},
                                __LINE__);
    amp_test::expect_bad_params("rci", R"({"inductance":-1})", {"victim", "inductance"}, __LINE__);
    amp_test::expect_bad_params("rci", R"({"capacitance":2})", {"victim", "capacitance"}, __LINE__);
    amp_test::expect_bad_params("rci", R"({"thermo":{"resistance":2}})",
                                {"victim", "thermo.resistance", "publishes its own heat"},
                                __LINE__);
    amp_test::expect_bad_params("rci", R"({"thermo":{"work":1}})",
                                {"victim", "thermo.work", "publishes its own heat"}, __LINE__);
    amp_test::expect_bad_params("rci", R"({"output":"charge"})",
                                {"victim", "output", "voltage", "current"}, __LINE__);
}

TEST(the_catalogue_says_the_node_publishes_its_heat) {
    amp::JsonValue root;
    std::string error;
    CHECK(amp::parse_json(amp_node_catalog_json(), root, error));
    int publishing = 0;
    for (const amp::JsonValue &node : root.find("nodes")->array) {
        const amp::JsonValue *flag = node.find("publishesHeat");
        if (flag == nullptr) continue;
        ++publishing;
        CHECK_EQ(node.find("type")->string, std::string("rci"));
        CHECK(flag->boolean);
        CHECK_CONTAINS(node.find("heatDoc")->string, "i^2 R");
    }
    CHECK_EQ(publishing, 1);
}

// The stage is linear and time-invariant: the adjoint of a gradient on the last of T frames is
// the impulse response reversed, dx[n] = h[T - 1 - n] (single-node backward call).
TEST(backward_of_the_last_frame_is_the_reversed_impulse_response) {
    for (const char *params : {kParams, kCurrent}) {
        const uint32_t frames = 64;
        std::vector<double> impulse(frames, 0.0), last(frames, 0.0);
        impulse[0] = 1.0;
        last[frames - 1] = 1.0;
        AmpNodeDescriptorView descriptor{"r", "rci", params};
        auto call = [&](const std::vector<double> &x, AmpExecutionMode mode, void **state) {
            AmpAudioView audio{x.data(), 1, 1, frames};
            AmpNodeInputs inputs{&audio, 1, nullptr, 0};
            double *out = nullptr;
            int32_t channels = 0;
            CHECK_EQ(amp_run_node_v2(&descriptor, &inputs, 1, 1, frames, kRate, &out, &channels,
                                     state, nullptr, mode, nullptr),
                     AMP_OK);
            std::vector<double> y(out, out + frames);
            amp_free(out);
            return y;
        };
        void *state = nullptr;
        const std::vector<double> h = call(impulse, AMP_EXECUTION_FORWARD, &state);
        const std::vector<double> dx = call(last, AMP_EXECUTION_BACKWARD, &state);
        amp_release_state(state);
        double scale = 0.0;
        for (double v : h) scale = std::max(scale, std::fabs(v));
        CHECK(scale > 0.0);
        for (uint32_t n = 0; n < frames; ++n) CHECK_NEAR(dx[n], h[frames - 1 - n], 1e-12 * scale);
    }
}

AMP_TEST_MAIN()
