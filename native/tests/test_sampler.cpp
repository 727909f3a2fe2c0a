// test_sampler.cpp: the sampler node and amp_graph_runtime_set_buffer. Sample-exact playback at
// rate 1 (with and without a start offset), a seamless loop against an index sequence computed
// here, linear and cubic interpolation at fractional and per-frame modulated rates against
// references written out here, the buffer's own sample rate, block invariance over execute
// splits and block sizes, B = 2 and C = 2, snapshot / restore and reset keeping the buffer,
// refusals (sizes before allocation, non-finite samples, the node's own rules, nodes without
// buffers) that change nothing, and bad params.
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::expect_bad_params;
using amp_test::last_error;

namespace {

constexpr double kRate = 48000.0;

std::string graph(const std::string &params) {
    return R"({"nodes":[{"name":"s","type":"sampler","params":)" + params + R"(}],"output":"s"})";
}

// A runtime with the sampler, configured and given `buffer` (channels x frames planar).
struct Player {
    AmpGraphRuntime *rt = nullptr;
    int32_t status = AMP_OK;
    uint32_t channels = 1, batches = 1;
    Player(const std::string &params, uint32_t out_channels, uint32_t b, uint32_t block,
           const std::vector<double> &buffer, uint32_t buffer_channels, double buffer_rate = kRate)
        : channels(out_channels), batches(b) {
        status = amp_graph_runtime_create(graph(params).c_str(), &rt);
        if (status == AMP_OK) status = amp_graph_runtime_configure(rt, b, block);
        if (status == AMP_OK)
            status = amp_graph_runtime_set_buffer(rt, "s", 0, buffer.data(), buffer_channels,
                                                  buffer.size() / buffer_channels, buffer_rate);
    }
    ~Player() { amp_graph_runtime_destroy(rt); }
    // Renders n frames in execute calls of the given sizes (cycled); planar b x c x n.
    std::vector<double> play(uint64_t n, const std::vector<uint64_t> &calls = {}) {
        std::vector<double> out(static_cast<size_t>(batches) * channels * n);
        uint64_t done = 0;
        size_t call = 0;
        while (done < n && status == AMP_OK) {
            const uint64_t k = calls.empty() ? n : std::min(calls[call++ % calls.size()], n - done);
            std::vector<double> part(static_cast<size_t>(batches) * channels * k);
            status = amp_graph_runtime_execute(rt, k, part.data(), part.size(), nullptr);
            for (size_t lane = 0; lane < static_cast<size_t>(batches) * channels; ++lane)
                for (uint64_t f = 0; f < k; ++f) out[lane * n + done + f] = part[lane * k + f];
            done += k;
        }
        return out;
    }
};

std::vector<double> noise_buffer(uint32_t channels, uint32_t frames, uint64_t seed) {
    return amp_test::noise(1, channels, frames, seed).data;
}

// The index sequence of a loop at rate 1: i = start + n, wrapped into [ls, le) once past le.
int64_t loop_index(int64_t start, int64_t ls, int64_t le, int64_t n) {
    int64_t i = start + n;
    if (i >= le) i = ls + (i - ls) % (le - ls);
    return i;
}

} // namespace

TEST(rate_one_plays_the_buffer_sample_exact_then_silence) {
    const std::vector<double> buffer = noise_buffer(2, 1000, 1);
    Player p("{\"channels\":2}", 2, 1, 256, buffer, 2);
    const std::vector<double> out = p.play(1200);
    CHECK_EQ(p.status, AMP_OK);
    int bad = 0;
    for (uint32_t c = 0; c < 2; ++c)
        for (uint32_t n = 0; n < 1200; ++n)
            bad += out[c * 1200 + n] != (n < 1000 ? buffer[c * 1000 + n] : 0.0);
    CHECK_EQ(bad, 0);
    Player offset("{\"channels\":2,\"start\":100}", 2, 1, 64, buffer, 2);
    const std::vector<double> late = offset.play(1000);
    bad = 0;
    for (uint32_t c = 0; c < 2; ++c)
        for (uint32_t n = 0; n < 1000; ++n)
            bad += late[c * 1000 + n] != (n < 900 ? buffer[c * 1000 + 100 + n] : 0.0);
    CHECK_EQ(bad, 0);
}

TEST(a_mono_buffer_feeds_every_channel_and_a_stereo_one_wraps_channels) {
    const std::vector<double> mono = noise_buffer(1, 300, 2);
    Player p("{\"channels\":3}", 3, 1, 512, mono, 1);
    const std::vector<double> out = p.play(300);
    int bad = 0;
    for (uint32_t c = 0; c < 3; ++c)
        for (uint32_t n = 0; n < 300; ++n) bad += out[c * 300 + n] != mono[n];
    CHECK_EQ(bad, 0);
}

TEST(loops_are_seamless_and_follow_the_index_sequence) {
    const std::vector<double> buffer = noise_buffer(1, 1000, 3);
    for (const char *interpolation : {"cubic", "linear"}) {
        const std::string params = std::string("{\"loop\":true,\"loop_start\":200,\"loop_end\":"
                                               "700,\"start\":50,\"interpolation\":\"") +
                                   interpolation + "\"}";
        Player p(params, 1, 1, 128, buffer, 1);
        const std::vector<double> out = p.play(5000);
        CHECK_EQ(p.status, AMP_OK);
        int bad = 0;
        for (int64_t n = 0; n < 5000; ++n)
            bad += out[static_cast<size_t>(n)] != buffer[loop_index(50, 200, 700, n)];
        CHECK_EQ(bad, 0);
        // Periodic with the loop length once inside: no click at the seam.
        bad = 0;
        for (size_t n = 650; n + 500 < 5000; ++n) bad += out[n] != out[n + 500];
        CHECK_EQ(bad, 0);
    }
    // loop_end 0 = the buffer's end.
    Player whole("{\"loop\":true}", 1, 1, 512, buffer, 1);
    const std::vector<double> out = whole.play(2500);
    int bad = 0;
    for (size_t n = 0; n < 2500; ++n) bad += out[n] != buffer[n % 1000];
    CHECK_EQ(bad, 0);
}

TEST(fractional_rates_interpolate_as_documented) {
    const std::vector<double> x = noise_buffer(1, 400, 4);
    auto xs = [&](int64_t j) { return j >= 0 && j < 400 ? x[static_cast<size_t>(j)] : 0.0; };
    // Linear at rate 0.75: position 0.75 n.
    {
        Player p("{\"rate\":0.75,\"interpolation\":\"linear\"}", 1, 1, 512, x, 1);
        const std::vector<double> out = p.play(500);
        double worst = 0.0;
        for (int64_t n = 0; n < 500; ++n) {
            const long double pos = 0.75L * n;
            const int64_t i = static_cast<int64_t>(std::floor(pos));
            const long double t = pos - i;
            const long double ref = i >= 400 ? 0.0L : (1 - t) * xs(i) + t * xs(i + 1);
            worst =
                std::fmax(worst, std::fabs(out[static_cast<size_t>(n)] - static_cast<double>(ref)));
        }
        CHECK(worst < 1e-14);
    }
    // Cubic (Catmull-Rom in Hermite basis form) at rate 1.25.
    {
        Player p("{\"rate\":1.25}", 1, 1, 512, x, 1);
        const std::vector<double> out = p.play(400);
        double worst = 0.0;
        for (int64_t n = 0; n < 400; ++n) {
            const long double pos = 1.25L * n;
            const int64_t i = static_cast<int64_t>(std::floor(pos));
            const long double t = pos - i, t2 = t * t, t3 = t2 * t;
            const long double m0 = (xs(i + 1) - xs(i - 1)) / 2, m1 = (xs(i + 2) - xs(i)) / 2;
            const long double ref = i >= 400
                                        ? 0.0L
                                        : (2 * t3 - 3 * t2 + 1) * xs(i) + (t3 - 2 * t2 + t) * m0 +
                                              (-2 * t3 + 3 * t2) * xs(i + 1) + (t3 - t2) * m1;
            worst =
                std::fmax(worst, std::fabs(out[static_cast<size_t>(n)] - static_cast<double>(ref)));
        }
        CHECK(worst < 1e-14);
    }
}

TEST(a_per_frame_rate_per_batch_follows_the_accumulated_position) {
    const uint32_t n = 600;
    const std::vector<double> x = noise_buffer(1, 2000, 5);
    Player p("{\"interpolation\":\"linear\"}", 1, 2, n, x, 1);
    std::vector<double> rate(2 * n);
    for (uint32_t b = 0; b < 2; ++b)
        for (uint32_t f = 0; f < n; ++f) rate[b * n + f] = 1.0 + 0.6 * std::sin(0.01 * f + b);
    CHECK_EQ(amp_graph_runtime_set_param(p.rt, "s", "rate", rate.data(), 2, 1, n), AMP_OK);
    const std::vector<double> out = p.play(n);
    double worst = 0.0;
    for (uint32_t b = 0; b < 2; ++b) {
        int64_t i = 0;
        double t = 0.0; // the documented accumulation: t += rate, carry the whole part
        for (uint32_t f = 0; f < n; ++f) {
            const double ref = x[static_cast<size_t>(i)] +
                               t * (x[static_cast<size_t>(i) + 1] - x[static_cast<size_t>(i)]);
            worst = std::fmax(worst, std::fabs(out[b * n + f] - ref));
            const double moved = t + rate[b * n + f];
            i += static_cast<int64_t>(std::floor(moved));
            t = moved - std::floor(moved);
        }
    }
    CHECK(worst < 1e-15);
}

TEST(the_buffer_sample_rate_sets_the_step) {
    const std::vector<double> x = noise_buffer(1, 500, 6);
    Player p("{\"interpolation\":\"linear\"}", 1, 1, 512, x, 1, 24000.0);
    const std::vector<double> out = p.play(800);
    int bad = 0;
    for (size_t n = 0; n < 800; n += 2) bad += out[n] != x[n / 2]; // even frames: exact
    CHECK_EQ(bad, 0);
    CHECK_NEAR(out[1], 0.5 * (x[0] + x[1]), 1e-15);
}

TEST(execute_splits_and_block_sizes_give_the_same_bits) {
    const std::vector<double> x = noise_buffer(2, 700, 7);
    const std::string params =
        "{\"channels\":2,\"rate\":1.37,\"loop\":true,\"loop_start\":100,\"loop_end\":650}";
    Player whole(params, 2, 2, 512, x, 2);
    const std::vector<double> reference = whole.play(3000);
    for (uint32_t block : {1u, 37u, 512u}) {
        Player split(params, 2, 2, block, x, 2);
        CHECK(split.play(3000, {1, 7, 64, 3, 129, 2}) == reference);
    }
}

TEST(snapshot_restore_and_reset_keep_the_buffer) {
    const std::vector<double> x = noise_buffer(1, 900, 8);
    Player p("{\"rate\":0.9,\"loop\":true}", 1, 1, 64, x, 1);
    p.play(300);
    uint64_t bytes = 0;
    CHECK_EQ(amp_graph_runtime_snapshot_size(p.rt, &bytes), AMP_OK);
    std::vector<unsigned char> saved(bytes);
    CHECK_EQ(amp_graph_runtime_snapshot(p.rt, saved.data(), bytes), AMP_OK);
    const std::vector<double> first = p.play(1000);
    CHECK_EQ(amp_graph_runtime_restore(p.rt, saved.data(), bytes), AMP_OK);
    CHECK(p.play(1000) == first);
    CHECK_EQ(amp_graph_runtime_reset(p.rt), AMP_OK);
    Player fresh("{\"rate\":0.9,\"loop\":true}", 1, 1, 64, x, 1);
    CHECK(p.play(500) == fresh.play(500));
    CHECK_EQ(amp_graph_runtime_configure(p.rt, 1, 128), AMP_OK); // reconfigure keeps it too
    Player again("{\"rate\":0.9,\"loop\":true}", 1, 1, 64, x, 1);
    CHECK(p.play(500) == again.play(500));
}

TEST(bad_sizes_are_refused_before_allocation_and_change_nothing) {
    const std::vector<double> x = noise_buffer(1, 100, 9);
    Player p("{}", 1, 1, 64, x, 1);
    const std::vector<double> small(4, 0.25);
    struct Bad {
        uint32_t channels;
        uint64_t frames;
        const char *part;
    };
    // Sizes beyond the limits would need gigabytes (or overflow): a runtime that allocated
    // first would fail with AMP_ERR_INTERNAL (or read past `small`), not this message.
    const Bad bad[] = {{0, 4, "channels expects an integer in [1, 64], got 0"},
                       {65, 4, "got 65"},
                       {1, 0, "1 to 268435456 samples"},
                       {1, (1ull << 28) + 1, "1 to 268435456 samples"},
                       {64, 1ull << 40, "1 to 268435456 samples"},
                       {2, 1ull << 62, "1 to 268435456 samples"}};
    for (const Bad &b : bad) {
        CHECK_EQ(
            amp_graph_runtime_set_buffer(p.rt, "s", 0, small.data(), b.channels, b.frames, kRate),
            AMP_ERR_INVALID_ARGUMENT);
        const std::string error = last_error(p.rt);
        CHECK_CONTAINS(error, "node \"s\" (sampler)");
        CHECK_CONTAINS(error, b.part);
    }
    const double nan_data[] = {0.0, std::nan(""), 0.0};
    CHECK_EQ(amp_graph_runtime_set_buffer(p.rt, "s", 0, nan_data, 1, 3, kRate),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(p.rt), "finite samples, got nan at channel 0, frame 1");
    CHECK_EQ(amp_graph_runtime_set_buffer(p.rt, "s", 0, small.data(), 1, 4, 0.0),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(p.rt), "sample rate");
    CHECK_EQ(amp_graph_runtime_set_buffer(p.rt, "s", 0, nullptr, 1, 4, kRate),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_graph_runtime_set_buffer(p.rt, "s", 1, small.data(), 1, 4, kRate),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(p.rt), "slot 1");
    CHECK_EQ(amp_graph_runtime_set_buffer(p.rt, "nobody", 0, small.data(), 1, 4, kRate),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(p.rt), "no node named \"nobody\"");
    // Nothing changed: the first buffer still plays.
    const std::vector<double> out = p.play(100);
    CHECK(out == x);
}

TEST(the_node_refuses_a_buffer_shorter_than_its_start_or_loop) {
    const std::vector<double> x = noise_buffer(1, 100, 10);
    Player late("{\"start\":500}", 1, 1, 64, x, 1);
    CHECK_EQ(late.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(late.rt), "start 500 lies outside the buffer's 100 frames");
    Player loop("{\"loop\":true,\"loop_end\":200}", 1, 1, 64, x, 1);
    CHECK_EQ(loop.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(loop.rt), "the loop [0, 200) must lie inside the buffer's 100");
    // Refused: the node keeps playing silence (no buffer yet).
    loop.status = AMP_OK;
    const std::vector<double> out = loop.play(50);
    CHECK(out == std::vector<double>(50, 0.0));
}

TEST(nodes_without_buffers_refuse_them) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(
                 R"({"nodes":[{"name":"g","type":"sine_osc","params":{}}],"output":"g"})", &rt),
             AMP_OK);
    const double data[] = {0.0, 1.0};
    CHECK_EQ(amp_graph_runtime_set_buffer(rt, "g", 0, data, 1, 2, kRate), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(last_error(rt), "node \"g\" (sine_osc): takes no buffers");
    amp_graph_runtime_destroy(rt);
}

TEST(without_a_buffer_the_sampler_is_silent) {
    const std::vector<double> none;
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph("{\"channels\":2}").c_str(), &rt), AMP_OK);
    std::vector<double> out(200, 1.0);
    CHECK_EQ(amp_graph_runtime_execute(rt, 100, out.data(), out.size(), nullptr), AMP_OK);
    CHECK(out == std::vector<double>(200, 0.0));
    amp_graph_runtime_destroy(rt);
}

TEST(bad_params_are_refused_with_the_node_and_key) {
    expect_bad_params("sampler", R"({"loop_start":10})", {"victim", "loop_start", "loop = true"},
                      __LINE__);
    expect_bad_params("sampler", R"({"loop":true,"loop_start":10,"loop_end":10})",
                      {"victim", "loop_start", "loop_end"}, __LINE__);
    expect_bad_params("sampler", R"({"interpolation":"sinc"})",
                      {"victim", "interpolation", "\"cubic\"", "\"linear\""}, __LINE__);
    expect_bad_params("sampler", R"({"rate":-1})", {"victim", "rate"}, __LINE__);
    expect_bad_params("sampler", R"({"start":0.5})", {"victim", "start"}, __LINE__);
}

AMP_TEST_MAIN()
