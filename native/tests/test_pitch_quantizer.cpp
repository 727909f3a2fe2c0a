// test_pitch_quantizer.cpp: quantisation against a nearest-grid-point search computed here (over
// the grid repeated in the octaves around the input; ties go up), with 12-TET and an uneven grid,
// span_oct and root_midi; the glide against its one-pole recursion in cents (and bit for bit
// against the recursion written here over held inputs, through the settled fast path); the output
// does not depend on the block size (graph renders at blocks 1, 37, 128, 512 and uneven calls);
// refusals.
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::expect_bad_params;
using amp_test::render;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

// The grid point nearest to `cents` (ties to the higher one), by brute force.
long double nearest(const std::vector<double> &grid, long double cents) {
    const long double octave = std::floor(cents / 1200.0L);
    long double best = 0, distance = INFINITY;
    for (int o = -1; o <= 1; ++o)
        for (double g : grid) {
            const long double candidate = 1200.0L * (octave + o) + g;
            const long double d = std::fabs(candidate - cents);
            if (d < distance || (d == distance && candidate > best)) {
                best = candidate;
                distance = d;
            }
        }
    return best;
}

Tensor ramp(uint32_t frames, double from, double to) {
    Tensor t{1, 1, frames, std::vector<double>(frames)};
    for (uint32_t f = 0; f < frames; ++f) t.data[f] = from + (to - from) * f / (frames - 1);
    return t;
}

void check_grid(const std::string &params, const std::vector<double> &grid, double span,
                double root_midi) {
    const Tensor x = ramp(4001, -1.3, 1.7);
    const auto run = run_node("pitch_quantizer", params, {x}, {}, 1, x.frames);
    CHECK_EQ(run.status, AMP_OK);
    double worst = 0.0;
    for (uint32_t f = 0; f < x.frames && run.status == AMP_OK; ++f) {
        const long double cents = nearest(grid, 1200.0L * span * x.data[f]);
        const long double hz =
            440.0L * std::pow(2.0L, (root_midi - 69.0L) / 12.0L) * std::pow(2.0L, cents / 1200.0L);
        worst = std::fmax(worst, std::fabs(run.out.data[f] / static_cast<double>(hz) - 1.0));
    }
    if (!(worst < 1e-13)) std::printf("  %s: worst relative error %g\n", params.c_str(), worst);
    CHECK(worst < 1e-13);
}

} // namespace

TEST(quantises_to_the_nearest_grid_point) {
    check_grid("{}", {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100}, 1.0, 60.0);
    const std::vector<double> just{0, 203.91, 386.31, 498.04, 701.96, 884.36, 1088.27};
    check_grid("{\"grid_cents\":[0,203.91,386.31,498.04,701.96,884.36,1088.27],\"span_oct\":2,"
               "\"root_midi\":57}",
               just, 2.0, 57.0);
    // A grid not starting at 0: inputs below its first point round into the octave below.
    check_grid("{\"grid_cents\":[150,700]}", {150, 700}, 1.0, 60.0);
    // Exactly between 0 and 100 cents (s = 50 / 1200) rounds up.
    const Tensor half{1, 1, 1, {50.0 / 1200.0}};
    const auto run = run_node("pitch_quantizer", "{\"root_midi\":69}", {half}, {}, 1, 1);
    CHECK_NEAR(run.out.data[0], 440.0 * std::pow(2.0, 100.0 / 1200.0), 1e-12);
}

TEST(glide_follows_the_one_pole_in_cents_from_the_first_target) {
    Tensor x{1, 1, 3000, std::vector<double>(3000, 0.0)};
    for (uint32_t f = 1000; f < 3000; ++f) x.data[f] = f < 2000 ? 7.0 / 12.0 : -0.5;
    const auto run =
        run_node("pitch_quantizer", "{\"glide_ms\":5,\"root_midi\":69}", {x}, {}, 1, 3000);
    CHECK_EQ(run.status, AMP_OK);
    const long double alpha = 1.0L - std::exp(-1.0L / (48000.0L * 5.0L / 1000.0L));
    long double c = 0.0L;
    double worst = 0.0;
    for (uint32_t f = 0; f < 3000 && run.status == AMP_OK; ++f) {
        const long double target = f < 1000 ? 0.0L : f < 2000 ? 700.0L : -600.0L;
        c += alpha * (target - c);
        const double hz = static_cast<double>(440.0L * std::pow(2.0L, c / 1200.0L));
        worst = std::fmax(worst, std::fabs(run.out.data[f] / hz - 1.0));
    }
    CHECK(worst < 1e-12);
    CHECK_EQ(run.out.data[0], 440.0);
}

TEST(held_inputs_give_the_bits_of_the_per_frame_recursion) {
    // Steps held long enough for the glide to settle (the node then fills frames while the input
    // keeps its bits), on grid points: 0, 600 and -300 cents, root 440 Hz.
    const uint32_t frames = 9000;
    Tensor x{1, 1, frames, std::vector<double>(frames, 0.0)};
    for (uint32_t f = 0; f < frames; ++f)
        x.data[f] = f < 2000 ? 0.0 : f < 5003 ? 0.5 : f == 7001 ? 0.5 : -0.25;
    const double alpha = 1.0 - std::exp(-1.0 / (48000.0 * 1.0 / 1000.0));
    std::vector<double> expected(frames);
    double c = 0.0;
    bool settled = false;
    for (uint32_t f = 0; f < frames; ++f) {
        const double target = x.data[f] == 0.5 ? 600.0 : x.data[f] == 0.0 ? 0.0 : -300.0;
        const double before = c;
        c = f == 0 ? target : c + alpha * (target - c);
        settled = settled || (f > 2500 && f < 5003 && c == before);
        expected[f] = 440.0 * std::exp2(c / 1200.0);
    }
    CHECK(settled); // the recursion reaches its fixed point within the second step
    for (const std::vector<uint32_t> &chunks :
         {std::vector<uint32_t>{}, std::vector<uint32_t>{512}, std::vector<uint32_t>{37, 3, 1}}) {
        const auto run = run_node("pitch_quantizer", "{\"glide_ms\":1,\"root_midi\":69}", {x}, {},
                                  1, frames, chunks);
        CHECK_EQ(run.status, AMP_OK);
        CHECK(run.out.data == expected);
    }
}

TEST(the_output_does_not_depend_on_the_block_size) {
    // sine_osc (0.7 Hz, amplitude 1) -> pitch_quantizer with glide, rendered at several blocks.
    const std::string json = R"({"nodes":[
        {"name":"s","type":"sine_osc","params":{"frequency":0.7,"amplitude":1,"channels":2}},
        {"name":"q","type":"pitch_quantizer","params":{"glide_ms":12,"span_oct":2}}],
        "edges":[{"from":"s","to":"q"}],"output":"q"})";
    const auto reference = render(json, 2, 512, 48000);
    CHECK_EQ(reference.status, AMP_OK);
    for (uint32_t block : {1u, 37u, 128u})
        CHECK(render(json, 2, block, 48000).samples == reference.samples);
    CHECK(render(json, 2, 512, 48000, {1000, 7, 333}).samples == reference.samples);
}

TEST(bad_grids_are_refused) {
    expect_bad_params("pitch_quantizer", "{\"grid_cents\":[0,700,500]}",
                      {"(pitch_quantizer)", "grid_cents[2]", "strictly increasing"}, __LINE__);
    expect_bad_params("pitch_quantizer", "{\"grid_cents\":[1200]}", {"grid_cents[0]"}, __LINE__);
    expect_bad_params("pitch_quantizer", "{\"grid_cents\":[]}", {"parameter \"grid_cents\""},
                      __LINE__);
}

AMP_TEST_MAIN()
