// test_integrator.cpp: no_impingement equals the running sum y += x / sr bit for bit (and so does
// limited mode with every limit off); each limit holds at every frame (|dy| <= slew / sr, the
// change of dy <= acceleration / sr^2, clamp_min <= y <= clamp_max) on noisy, step and
// wall-pushing inputs; the limits are reached, not merely respected (a slope of exactly the slew,
// a parabola at exactly the acceleration, the clamp reached exactly); slew plus clamp against
// a reference walk; block invariance; refused parameters.
#include <algorithm>
#include <cmath>
#include <string>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::noise;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kRate = 48000.0;

Tensor scaled(Tensor t, double k) {
    for (double &x : t.data) x *= k;
    return t;
}

// Checks the three limits over one lane; returns the number of violations.
int violations(const std::vector<double> &y, double start, double slew, double accel, double low,
               double high) {
    int bad = 0;
    double prev = start, prev_step = 0.0;
    const double s = slew / kRate, d = accel / (kRate * kRate);
    for (size_t f = 0; f < y.size(); ++f) {
        const double step = y[f] - prev;
        const double slack = 1e-12 * (std::fabs(y[f]) + std::fabs(prev)); // rounding of y
        if (slew > 0 && std::fabs(step) > s + slack) ++bad;
        if (accel > 0 && std::fabs(step - prev_step) > d * (1 + 1e-9) + 2 * slack) ++bad;
        if (y[f] < low || y[f] > high) ++bad;
        prev_step = step;
        prev = y[f];
    }
    return bad;
}

} // namespace

TEST(no_impingement_is_the_running_sum_bit_for_bit) {
    const Tensor x = scaled(noise(2, 2, 4000, 5), 300.0);
    for (const char *params :
         {"{\"mode\":\"no_impingement\",\"initial\":0.25}", "{\"initial\":0.25}"}) {
        const auto run = run_node("integrator", params, {x}, {}, 2, 4000);
        CHECK_EQ(run.status, AMP_OK);
        for (uint32_t b = 0; b < 2 && run.status == AMP_OK; ++b)
            for (uint32_t c = 0; c < 2; ++c) {
                double sum = 0.25;
                bool same = true;
                for (uint32_t f = 0; f < 4000; ++f) {
                    sum += x.at(b, c, f) / kRate;
                    same = same && run.out.at(b, c, f) == sum;
                }
                CHECK(same);
            }
    }
}

TEST(each_limit_holds_at_every_frame_on_noise) {
    // Noise pushing hard both ways, slow wandering (a random walk of the target slope) and
    // a clamp it keeps hitting.
    const uint32_t frames = 20000;
    Tensor x = scaled(noise(1, 1, frames, 9), 4000.0);
    for (uint32_t f = 0; f < frames; ++f) x.data[f] += f < frames / 2 ? 3000.0 : -3000.0;
    struct Case {
        const char *params;
        double slew, accel, low, high;
    };
    const Case cases[] = {
        {"{\"slew_rate\":500}", 500, 0, -1e300, 1e300},
        {"{\"max_acceleration\":2e5}", 0, 2e5, -1e300, 1e300},
        {"{\"clamp_min\":-0.5,\"clamp_max\":2}", 0, 0, -0.5, 2},
        {"{\"slew_rate\":800,\"max_acceleration\":3e5,\"clamp_min\":-1,\"clamp_max\":1.5}", 800,
         3e5, -1, 1.5},
        {"{\"max_acceleration\":1e6,\"clamp_min\":0,\"clamp_max\":0.75}", 0, 1e6, 0, 0.75},
    };
    for (const Case &c : cases) {
        const auto run = run_node("integrator", c.params, {x}, {}, 1, frames);
        CHECK_EQ(run.status, AMP_OK);
        const int bad = violations(run.out.data, 0.0, c.slew, c.accel, c.low, c.high);
        if (bad != 0) std::printf("  %s: %d violations\n", c.params, bad);
        CHECK_EQ(bad, 0);
        CHECK(block_invariant("integrator", c.params, {x}, {}, 1, 3000));
    }
}

TEST(the_limits_are_reached_exactly) {
    const Tensor push{1, 1, 1000, std::vector<double>(1000, 1e9)};
    // Slew only: a slope of exactly slew / sr per frame.
    const auto slope = run_node("integrator", "{\"slew_rate\":480}", {push}, {}, 1, 1000);
    for (uint32_t f = 0; f < 1000 && slope.status == AMP_OK; f += 111)
        CHECK_NEAR(slope.out.data[f], (f + 1) * 0.01, 1e-12);
    // Acceleration only, from rest: increments d, 2d, 3d ... (a parabola).
    const double d = 4.8e5 / (kRate * kRate);
    const auto parabola =
        run_node("integrator", "{\"max_acceleration\":4.8e5}", {push}, {}, 1, 1000);
    for (uint32_t f = 0; f < 1000 && parabola.status == AMP_OK; f += 97)
        CHECK_NEAR(parabola.out.data[f], d * (f + 1) * (f + 2) / 2.0, 1e-9 * parabola.out.data[f]);
    // Acceleration and clamp: it brakes and lands on the clamp exactly, then stays.
    const Tensor long_push{1, 1, 4000, std::vector<double>(4000, 1e9)};
    const auto landing = run_node("integrator", "{\"max_acceleration\":4.8e5,\"clamp_max\":0.3}",
                                  {long_push}, {}, 1, 4000);
    CHECK_EQ(landing.status, AMP_OK);
    CHECK_EQ(landing.out.data[3999], 0.3);
    CHECK_EQ(violations(landing.out.data, 0.0, 0, 4.8e5, -1e300, 0.3), 0);
}

TEST(slew_and_clamp_follow_the_reference_walk) {
    const Tensor x = scaled(noise(1, 1, 6000, 13), 2000.0);
    const auto run = run_node("integrator",
                              "{\"slew_rate\":700,\"clamp_min\":-0.2,\"clamp_max\":0.4,"
                              "\"initial\":0.1}",
                              {x}, {}, 1, 6000);
    CHECK_EQ(run.status, AMP_OK);
    double y = 0.1, worst = 0.0;
    const double s = 700.0 / kRate;
    for (uint32_t f = 0; f < 6000 && run.status == AMP_OK; ++f) {
        y = std::clamp(y + std::clamp(x.data[f] / kRate, -s, s), -0.2, 0.4);
        worst = std::fmax(worst, std::fabs(run.out.data[f] - y));
    }
    CHECK(worst < 1e-15);
}

TEST(bad_params_are_refused) {
    expect_bad_params("integrator", "{\"mode\":\"no_impingement\",\"slew_rate\":3}",
                      {"(integrator)", "parameter \"slew_rate\" does not apply in mode "
                                       "\"no_impingement\""},
                      __LINE__);
    expect_bad_params("integrator", "{\"clamp_min\":1,\"clamp_max\":0}",
                      {"parameter \"clamp_min\"", "must not exceed clamp_max"}, __LINE__);
    expect_bad_params("integrator", "{\"mode\":\"ideal\"}", {"parameter \"mode\""}, __LINE__);
}

AMP_TEST_MAIN()
