// test_taps.cpp: taps through the C ABI. safety publishes "clipped" (how far the DC-blocked
// signal exceeded the limit, summed over channels) and "replaced" (non-finite inputs replaced);
// the values must equal an independent reference computed from the node's input, be identical
// whatever the block size and call split, keep batches apart, and be refused clearly when the
// caller's tap buffer is too small.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

std::string graph_json(const char *output) {
    return std::string(R"({"nodes":[
        {"name":"osc","type":"sine_osc","params":{"amplitude":1.5,"channels":2}},
        {"name":"guard","type":"safety","params":{"dc_alpha":0.9,"limit":0.8}}],
        "edges":[{"from":"osc","to":"guard"}],"output":")") +
           output + "\"}";
}

const double kFrequencies[] = {5000.0, 9000.0}; // per batch

struct TapRender {
    int32_t status = AMP_OK;
    std::vector<double> samples;
    std::vector<double> taps;      // every tap, each batches x values x frames
    std::vector<AmpTapInfo> infos; // strings cleared: they die with the runtime
    std::vector<std::string> nodes, names, units;
};

// Renders `frames` frames of graph_json(output) with 2 batches in calls of `call` frames.
TapRender render_taps(const char *output, uint32_t block, uint64_t frames, uint64_t call) {
    TapRender result;
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(graph_json(output).c_str(), &rt);
    if (result.status == AMP_OK) result.status = amp_graph_runtime_configure(rt, 2, block);
    // Overrides are batches x 1 x block_frames: a constant frequency per batch.
    std::vector<double> frequency(2 * static_cast<size_t>(block));
    for (size_t i = 0; i < frequency.size(); ++i) frequency[i] = kFrequencies[i / block];
    if (result.status == AMP_OK)
        result.status =
            amp_graph_runtime_set_param(rt, "osc", "frequency", frequency.data(), 2, 1, block);
    if (result.status != AMP_OK) {
        std::printf("  %s\n", amp_test::last_error(rt).c_str());
        amp_graph_runtime_destroy(rt);
        return result;
    }
    for (uint32_t i = 0; i < amp_graph_runtime_tap_count(rt); ++i) {
        AmpTapInfo info{};
        CHECK_EQ(amp_graph_runtime_tap_info(rt, i, &info), AMP_OK);
        result.nodes.emplace_back(info.node);
        result.names.emplace_back(info.name);
        result.units.emplace_back(info.unit);
        info.node = info.name = info.unit = nullptr;
        result.infos.push_back(info);
    }
    const size_t lanes = 2 * 2;
    const size_t tap_rows = 2 * result.infos.size(); // every tap has 1 value
    result.samples.assign(lanes * frames, 0.0);
    result.taps.assign(tap_rows * frames, 0.0);
    for (uint64_t done = 0; done < frames && result.status == AMP_OK;) {
        const uint64_t n = std::min(call, frames - done);
        std::vector<double> part(lanes * n), taps(tap_rows * n);
        AmpRenderOptions options{};
        options.tap_out = taps.data();
        options.tap_len = taps.size();
        result.status = amp_graph_runtime_execute(rt, n, part.data(), part.size(), &options);
        for (size_t lane = 0; lane < lanes; ++lane)
            std::memcpy(&result.samples[lane * frames + done], &part[lane * n], n * sizeof(double));
        for (size_t row = 0; row < tap_rows; ++row)
            std::memcpy(&result.taps[row * frames + done], &taps[row * n], n * sizeof(double));
        done += n;
    }
    amp_graph_runtime_destroy(rt);
    return result;
}

} // namespace

TEST(safety_lists_its_two_taps_in_order) {
    const TapRender r = render_taps("guard", 64, 8, 8);
    CHECK_EQ(r.status, AMP_OK);
    CHECK_EQ(r.infos.size(), size_t{2});
    if (r.infos.size() != 2) return;
    CHECK(r.nodes[0] == "guard");
    CHECK(r.names[0] == "clipped");
    CHECK(r.names[1] == "replaced");
    CHECK(r.units[1] == "samples");
    CHECK_EQ(r.infos[0].values, 1u);
}

TEST(clipped_equals_an_independent_reference_from_the_input) {
    const uint64_t frames = 1500;
    const TapRender input = render_taps("osc", 512, frames, frames);
    const TapRender guarded = render_taps("guard", 512, frames, frames);
    CHECK_EQ(input.status, AMP_OK);
    CHECK_EQ(guarded.status, AMP_OK);
    if (input.status != AMP_OK || guarded.status != AMP_OK) return;
    double clipped_total[2] = {0.0, 0.0};
    for (uint32_t b = 0; b < 2; ++b) {
        std::vector<double> expected(frames, 0.0);
        for (uint32_t c = 0; c < 2; ++c) {
            double dc = 0.0;
            for (uint64_t f = 0; f < frames; ++f) {
                const double x = input.samples[(b * 2 + c) * frames + f];
                dc = 0.9 * dc + (1.0 - 0.9) * x;
                expected[f] += std::max(0.0, std::fabs(x - dc) - 0.8);
            }
        }
        for (uint64_t f = 0; f < frames; ++f) {
            CHECK_NEAR(guarded.taps[b * frames + f], expected[f], 1e-12);
            CHECK_EQ(guarded.taps[(2 + b) * frames + f], 0.0); // "replaced": all inputs finite
            clipped_total[b] += guarded.taps[b * frames + f];
        }
    }
    // The amplitude 1.5 sine exceeds the 0.8 limit: the tap is not trivially zero, and the two
    // batches (different frequencies) publish different streams.
    CHECK(clipped_total[0] > 1.0);
    CHECK(clipped_total[1] > 1.0);
    CHECK(std::memcmp(&guarded.taps[0], &guarded.taps[frames], frames * sizeof(double)) != 0);
}

TEST(taps_are_identical_across_block_sizes_and_call_splits) {
    const uint64_t frames = 1200;
    const TapRender reference = render_taps("guard", 512, frames, frames);
    CHECK_EQ(reference.status, AMP_OK);
    const uint32_t blocks[] = {1, 37, 512};
    const uint64_t calls[] = {1, 100, 1200};
    for (uint32_t block : blocks)
        for (uint64_t call : calls) {
            if (block == 1 && call == 1) continue; // 1-frame windows are covered by call 100
            const TapRender r = render_taps("guard", block, frames, call);
            CHECK_EQ(r.status, AMP_OK);
            CHECK(r.taps == reference.taps);
            CHECK(r.samples == reference.samples);
        }
}

TEST(a_small_tap_buffer_and_a_bad_tap_index_are_refused_clearly) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph_json("guard").c_str(), &rt), AMP_OK);
    std::vector<double> out(2 * 10), taps(2 * 10 - 1);
    AmpRenderOptions options{};
    options.tap_out = taps.data();
    options.tap_len = taps.size();
    CHECK_EQ(amp_graph_runtime_execute(rt, 10, out.data(), out.size(), &options),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK(amp_test::contains(amp_test::last_error(rt), "tap buffer holds 19 doubles"));
    CHECK(amp_test::contains(amp_test::last_error(rt), "needs 20"));
    AmpTapInfo info{};
    CHECK_EQ(amp_graph_runtime_tap_info(rt, 2, &info), AMP_ERR_INVALID_ARGUMENT);
    CHECK(amp_test::contains(amp_test::last_error(rt), "tap index 2 is out of range"));
    amp_graph_runtime_destroy(rt);
}

AMP_TEST_MAIN()
