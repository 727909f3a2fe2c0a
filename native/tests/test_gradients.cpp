// test_gradients.cpp: the graph backward pass (amp_graph_runtime_record / _backward) against
// central finite differences of whole renders, on a graph with fan-out, fan-in, a multiply
// modulation edge, latency compensation and a feedback loop through a delay; bit-identity of
// the gradients across block sizes 1, 37 and 512, thread counts and call splits, and between
// full and checkpointed recordings (several intervals); refusals.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "finite_differences.h"
#include "node_harness.h"
#include "nodes/node.h"

using amp_test::dot;
using amp_test::noise;

namespace {

constexpr uint32_t kFrames = 600; // crosses a 512-frame block boundary
constexpr uint32_t kBatches = 2;

// x (the input: a control-history curve, one point per frame) fans out to g1 and g2; g2
// declares 5 frames of latency, so the runtime delays g1's path by 5 (latency compensation);
// lfo multiplies g1's gain; mix concatenates g1, g2 and osc (fan-in); sum adds the loop back
// (sum -> d (delay 3) -> fb (gain) -> sum); safety is the output.
std::string graph_json(double osc_frequency, double g1_gain, double fb_gain,
                       double lfo_amplitude = 0.8) {
    return R"({"nodes":[
 {"name":"x","type":"controller","params":{"curve":"x"}},
 {"name":"osc","type":"sine_osc","params":{"frequency":)" +
           std::to_string(osc_frequency) + R"(,"amplitude":0.3}},
 {"name":"lfo","type":"sine_osc","params":{"frequency":170,"amplitude":)" +
           std::to_string(lfo_amplitude) + R"(}},
 {"name":"g1","type":"gain","params":{"gain":)" +
           std::to_string(g1_gain) + R"(}},
 {"name":"g2","type":"gain","params":{"gain":-0.7,"declared_delay_frames":5}},
 {"name":"mix","type":"mix","params":{"channels":1}},
 {"name":"sum","type":"gain","params":{"gain":1}},
 {"name":"d","type":"delay","params":{"frames":3}},
 {"name":"fb","type":"gain","params":{"gain":)" +
           std::to_string(fb_gain) + R"(}},
 {"name":"out","type":"safety","params":{"limit":10,"dc_alpha":0.99}}],
 "edges":[{"from":"x","to":"g1"},{"from":"x","to":"g2"},{"from":"g1","to":"mix"},
  {"from":"g2","to":"mix"},{"from":"osc","to":"mix"},{"from":"mix","to":"sum"},
  {"from":"fb","to":"sum"},{"from":"sum","to":"d"},{"from":"d","to":"fb"},{"from":"sum","to":"out"}],
 "modulations":[{"from":"lfo","to":"g1","param":"gain","mode":"multiply","scale":1.5}],
 "output":"out"})";
}

struct Setup {
    uint32_t block = 512;
    uint32_t threads = 1;
    std::vector<uint64_t> calls; // execute call sizes (cycled); empty: one call
    uint64_t checkpoint = 0;     // checkpointed recording's interval; 0: a full recording
};

constexpr uint32_t kTail = 77; // frames rendered after the backward pass (the stream goes on)

struct Result {
    int32_t status = AMP_OK;
    std::string error;
    std::vector<double> y;
    std::vector<double> dx;                    // d/d x's output, B x 1 x T
    std::vector<double> dfreq, dg1, dfb, dlfo; // summed, per batch
    std::vector<double> dg1_frames;            // per frame, B x T
    std::vector<double> tail;                  // kTail frames rendered after the passes
};

std::vector<double> curve_values(const std::vector<double> &delta) {
    std::vector<double> values(kFrames);
    for (uint32_t f = 0; f < kFrames; ++f)
        values[f] = 0.4 * std::sin(0.05 * f) + 0.2 * std::cos(0.013 * f * f) + delta[f];
    return values;
}

Result run(double freq, double g1, double fb, const std::vector<double> &delta, const Setup &setup,
           const std::vector<double> *dy, double lfo = 0.8) {
    Result result;
    AmpGraphRuntime *rt = nullptr;
    result.status = amp_graph_runtime_create(graph_json(freq, g1, fb, lfo).c_str(), &rt);
    if (result.status == AMP_OK)
        result.status = amp_graph_runtime_configure(rt, kBatches, setup.block);
    if (result.status == AMP_OK && setup.threads > 1)
        result.status = amp_graph_runtime_set_threads(rt, setup.threads);
    if (result.status == AMP_OK && dy != nullptr)
        result.status =
            setup.checkpoint == 0
                ? amp_graph_runtime_record(rt, kFrames, 0)
                : amp_graph_runtime_record_checkpointed(rt, kFrames, setup.checkpoint, 0);
    std::vector<double> times(kFrames);
    for (uint32_t f = 0; f < kFrames; ++f) times[f] = f;
    const std::vector<double> values = curve_values(delta);
    AmpHistoryCurve curve{"x", times.data(), values.data(), kFrames, AMP_INTERPOLATION_STEP};
    AmpControlHistory history{&curve, 1, 0};
    result.y.assign(static_cast<size_t>(kBatches) * kFrames, 0.0);
    uint64_t done = 0;
    size_t call = 0;
    while (result.status == AMP_OK && done < kFrames) {
        uint64_t n = setup.calls.empty() ? kFrames : setup.calls[call++ % setup.calls.size()];
        n = std::min<uint64_t>(n, kFrames - done);
        std::vector<double> part(kBatches * n);
        AmpRenderOptions options{};
        options.history = &history;
        history.frame_offset = 0;
        // Curve times count from each call's start: shift them.
        std::vector<double> shifted(kFrames);
        for (uint32_t f = 0; f < kFrames; ++f) shifted[f] = times[f] - static_cast<double>(done);
        curve.times_frames = shifted.data();
        result.status = amp_graph_runtime_execute(rt, n, part.data(), part.size(), &options);
        for (uint32_t b = 0; b < kBatches; ++b)
            for (uint64_t f = 0; f < n; ++f) result.y[b * kFrames + done + f] = part[b * n + f];
        done += n;
    }
    if (result.status == AMP_OK && dy != nullptr) {
        result.dx.assign(kBatches * kFrames, 0.0);
        result.dfreq.assign(kBatches, 0.0);
        result.dg1.assign(kBatches, 0.0);
        result.dfb.assign(kBatches, 0.0);
        result.dlfo.assign(kBatches, 0.0);
        result.dg1_frames.assign(kBatches * kFrames, 0.0);
        const AmpGradientRequest requests[] = {
            {"x", nullptr, 0, result.dx.data(), result.dx.size()},
            {"osc", "frequency", 1, result.dfreq.data(), kBatches},
            {"g1", "gain", 1, result.dg1.data(), kBatches},
            {"fb", "gain", 1, result.dfb.data(), kBatches},
            {"lfo", "amplitude", 1, result.dlfo.data(), kBatches},
        };
        // The span's history, curve times from its first frame (a checkpointed pass re-renders).
        curve.times_frames = times.data();
        result.status = amp_graph_runtime_backward_v2(rt, dy->data(), dy->size(), requests, 5,
                                                      &history, nullptr);
        const AmpGradientRequest frames_request{"g1", "gain", 0, result.dg1_frames.data(),
                                                result.dg1_frames.size()};
        if (result.status == AMP_OK)
            result.status = amp_graph_runtime_backward_v2(rt, dy->data(), dy->size(),
                                                          &frames_request, 1, &history, nullptr);
    }
    if (result.status == AMP_OK) {
        // The stream goes on after the passes as if they had not run.
        std::vector<double> shifted(kFrames);
        for (uint32_t f = 0; f < kFrames; ++f) shifted[f] = times[f] - kFrames;
        curve.times_frames = shifted.data();
        AmpRenderOptions options{};
        options.history = &history;
        result.tail.assign(kBatches * kTail, 0.0);
        result.status =
            amp_graph_runtime_execute(rt, kTail, result.tail.data(), result.tail.size(), &options);
    }
    if (result.status != AMP_OK) result.error = amp_test::last_error(rt);
    amp_graph_runtime_destroy(rt);
    return result;
}

// Relative agreement of an analytic and a finite-difference derivative.
void check_close(const char *what, double analytic, double numeric) {
    std::printf("  %-48s backward %.12g, central differences %.12g\n", what, analytic, numeric);
    const double scale = std::max({1e-3, std::fabs(analytic), std::fabs(numeric)});
    if (std::fabs(analytic - numeric) > 2e-6 * scale) {
        ++amp_test::failures();
        std::printf("  %s: outside 2e-6 relative\n", what);
    }
}

const std::vector<double> kNoDelta(kFrames, 0.0);

std::vector<double> upstream() { return noise(kBatches, 1, kFrames, 901).data; }

} // namespace

// dL/dtheta for L = <dy, y>: frequency, the modulated gain and the loop gain (summed over the
// span, per batch; both batches render the same here, so they agree), and the input curve
// along a random direction, against central differences of whole renders.
TEST(whole_graph_gradients_match_finite_differences) {
    const std::vector<double> dy = upstream();
    const Setup setup{};
    const Result base = run(220, 0.8, 0.6, kNoDelta, setup, &dy);
    CHECK_EQ(base.status, AMP_OK);
    if (base.status != AMP_OK) {
        std::printf("  %s\n", base.error.c_str());
        return;
    }
    auto loss = [&](double f, double g1, double fb, const std::vector<double> &delta) {
        return dot(dy, run(f, g1, fb, delta, setup, nullptr).y);
    };
    const double hf = 1e-4, hg = 1e-6;
    const double dfreq =
        (loss(220 + hf, 0.8, 0.6, kNoDelta) - loss(220 - hf, 0.8, 0.6, kNoDelta)) / (2 * hf);
    const double dg1 =
        (loss(220, 0.8 + hg, 0.6, kNoDelta) - loss(220, 0.8 - hg, 0.6, kNoDelta)) / (2 * hg);
    const double dfb =
        (loss(220, 0.8, 0.6 + hg, kNoDelta) - loss(220, 0.8, 0.6 - hg, kNoDelta)) / (2 * hg);
    // Both batches see the same graph: the loss sums them, so the derivative is the sum.
    check_close("frequency", base.dfreq[0] + base.dfreq[1], dfreq);
    check_close("g1.gain (multiply-modulated)", base.dg1[0] + base.dg1[1], dg1);
    check_close("fb.gain (in the loop)", base.dfb[0] + base.dfb[1], dfb);
    // The modulator's side of the multiply edge: the lfo's amplitude.
    const double dlfo = (dot(dy, run(220, 0.8, 0.6, kNoDelta, setup, nullptr, 0.8 + hg).y) -
                         dot(dy, run(220, 0.8, 0.6, kNoDelta, setup, nullptr, 0.8 - hg).y)) /
                        (2 * hg);
    check_close("lfo.amplitude (the multiply edge's modulator)", base.dlfo[0] + base.dlfo[1], dlfo);
    // Input: the curve along a random direction e (the curve feeds every batch).
    const std::vector<double> e = noise(1, 1, kFrames, 907).data;
    std::vector<double> plus(kFrames), minus(kFrames);
    for (uint32_t f = 0; f < kFrames; ++f) {
        plus[f] = hg * e[f];
        minus[f] = -hg * e[f];
    }
    const double dinput = (loss(220, 0.8, 0.6, plus) - loss(220, 0.8, 0.6, minus)) / (2 * hg);
    double analytic = 0.0;
    for (uint32_t b = 0; b < kBatches; ++b)
        for (uint32_t f = 0; f < kFrames; ++f) analytic += base.dx[b * kFrames + f] * e[f];
    check_close("the input curve", analytic, dinput);
    // Per-frame parameter gradients sum to the summed one (same order: frames from the last).
    for (uint32_t b = 0; b < kBatches; ++b) {
        double total = 0.0;
        for (uint32_t f = kFrames; f-- > 0;) total += base.dg1_frames[b * kFrames + f];
        CHECK_EQ(total, base.dg1[b]);
    }
}

TEST(gradients_are_bit_identical_across_blocks_threads_and_call_splits) {
    const std::vector<double> dy = upstream();
    const Result reference = run(220, 0.8, 0.6, kNoDelta, Setup{512, 1, {}}, &dy);
    CHECK_EQ(reference.status, AMP_OK);
    for (const Setup &setup : {Setup{1, 1, {}}, Setup{37, 1, {}}, Setup{512, 2, {}},
                               Setup{37, 1, {100, 1, 250}}, Setup{512, 1, {7, 300}}}) {
        const Result other = run(220, 0.8, 0.6, kNoDelta, setup, &dy);
        CHECK_EQ(other.status, AMP_OK);
        CHECK(other.y == reference.y);
        CHECK(other.dx == reference.dx);
        CHECK(other.dfreq == reference.dfreq);
        CHECK(other.dg1 == reference.dg1);
        CHECK(other.dfb == reference.dfb);
        CHECK(other.dlfo == reference.dlfo);
        CHECK(other.dg1_frames == reference.dg1_frames);
        CHECK(other.tail == reference.tail);
    }
}

// A checkpointed recording (a snapshot every K frames, each segment re-rendered during the
// pass) gives the fully recorded pass's bits: K = 1, 7, 250 and 512 (neither divides the 600
// frames but 1), one block (K = the block), the whole span and more, with call splits and
// threads; and the stream continues after the pass as if it had not run.
TEST(checkpointed_gradients_equal_the_full_recording_bit_for_bit) {
    const std::vector<double> dy = upstream();
    const Result reference = run(220, 0.8, 0.6, kNoDelta, Setup{512, 1, {}, 0}, &dy);
    CHECK_EQ(reference.status, AMP_OK);
    const Result plain = run(220, 0.8, 0.6, kNoDelta, Setup{512, 1, {}, 0}, nullptr);
    for (const Setup &setup :
         {Setup{512, 1, {}, 1}, Setup{512, 1, {}, 7}, Setup{512, 1, {}, 250},
          Setup{512, 1, {}, 512}, Setup{512, 1, {}, 600}, Setup{512, 1, {}, 5000},
          Setup{37, 1, {}, 37}, Setup{37, 1, {}, 91}, Setup{512, 1, {100, 1, 250}, 91},
          Setup{37, 1, {100, 1, 250}, 91}, Setup{512, 2, {}, 128}, Setup{1, 1, {}, 64}}) {
        const Result other = run(220, 0.8, 0.6, kNoDelta, setup, &dy);
        std::printf("  block %u, threads %u, K = %llu: %s\n", setup.block, setup.threads,
                    static_cast<unsigned long long>(setup.checkpoint),
                    other.status == AMP_OK ? "ok" : other.error.c_str());
        CHECK_EQ(other.status, AMP_OK);
        CHECK(other.y == reference.y);
        CHECK(other.dx == reference.dx);
        CHECK(other.dfreq == reference.dfreq);
        CHECK(other.dg1 == reference.dg1);
        CHECK(other.dfb == reference.dfb);
        CHECK(other.dlfo == reference.dlfo);
        CHECK(other.dg1_frames == reference.dg1_frames);
        CHECK(other.tail == reference.tail);
        CHECK(other.tail == plain.tail);
    }
}

// Memory: a checkpointed recording needs one segment's values plus a snapshot per segment,
// sized up front and refused with the bytes; a wrong history is caught by the output hash, a
// missing one refused before anything runs; a bad interval is refused.
TEST(checkpointed_recordings_are_sized_up_front_and_check_their_replay) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph_json(220, 0.8, 0.6).c_str(), &rt), AMP_OK);
    uint64_t full = 0, checkpointed = 0, snapshot = 0;
    const uint64_t span = 480000;
    CHECK_EQ(amp_graph_runtime_record_size(rt, span, &full), AMP_OK);
    CHECK_EQ(amp_graph_runtime_record_checkpointed_size(rt, span, 4800, &checkpointed), AMP_OK);
    CHECK_EQ(amp_graph_runtime_snapshot_size(rt, &snapshot), AMP_OK);
    std::printf("  %llu frames: full %llu bytes, K = 4800: %llu bytes (snapshot %llu)\n",
                static_cast<unsigned long long>(span), static_cast<unsigned long long>(full),
                static_cast<unsigned long long>(checkpointed),
                static_cast<unsigned long long>(snapshot));
    CHECK(checkpointed < full / 5);
    CHECK(checkpointed > 101 * snapshot);
    uint64_t small = 0;
    CHECK_EQ(amp_graph_runtime_record_checkpointed_size(rt, span, 480, &small), AMP_OK);
    CHECK(small > checkpointed); // more snapshots outweigh the shorter segment here
    CHECK_EQ(amp_graph_runtime_record_checkpointed(rt, span, 4800, checkpointed - 1),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "with a snapshot every 4800 frames needs " +
                                                 std::to_string(checkpointed) + " bytes");
    CHECK_EQ(amp_graph_runtime_record_checkpointed(rt, span, 0, 0), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "checkpoint_frames expects an integer in [1, 2^40]");
    CHECK_EQ(amp_test::last_error(rt).find("needs"), std::string::npos);
    // A short span, then a pass with the wrong history and with none.
    const uint64_t frames = 300;
    CHECK_EQ(amp_graph_runtime_record_checkpointed(rt, frames, 64, 0), AMP_OK);
    std::vector<double> times{0, 299}, values{0.5, -0.5}, other_values{0.5, -0.4};
    AmpHistoryCurve curve{"x", times.data(), values.data(), 2, AMP_INTERPOLATION_LINEAR};
    AmpControlHistory history{&curve, 1, 0};
    AmpRenderOptions options{};
    options.history = &history;
    std::vector<double> y(frames), dy(frames, 1.0), dx(frames), again(frames);
    CHECK_EQ(amp_graph_runtime_execute(rt, frames, y.data(), y.size(), &options), AMP_OK);
    const AmpGradientRequest request{"x", nullptr, 0, dx.data(), dx.size()};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &request, 1),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "pass the history the span was rendered with");
    AmpHistoryCurve wrong{"x", times.data(), other_values.data(), 2, AMP_INTERPOLATION_LINEAR};
    AmpControlHistory wrong_history{&wrong, 1, 0};
    CHECK_EQ(amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), &request, 1, &wrong_history,
                                           nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt),
                   "re-rendering frames [256, 300) of the checkpointed span gave other samples");
    // The failed pass left the stream where it was: the right history still works.
    CHECK_EQ(
        amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), &request, 1, &history, nullptr),
        AMP_OK);
    CHECK(std::any_of(dx.begin(), dx.end(), [](double v) { return v != 0.0; }));
    amp_graph_runtime_destroy(rt);
}

// biquad (peaking and highshelf, where gain_db matters): frequency, q and gain_db modulated per
// frame by an lfo (add), against central differences of whole renders.
TEST(biquad_gradients_match_finite_differences) {
    for (const char *type : {"peaking", "highshelf", "lowpass"}) {
        auto json = [type](double f, double q, double g) {
            return std::string(R"({"nodes":[
 {"name":"a","type":"sine_osc","params":{"frequency":700,"amplitude":0.5}},
 {"name":"b","type":"sine_osc","params":{"frequency":3100,"amplitude":0.5}},
 {"name":"lfo","type":"sine_osc","params":{"frequency":90,"amplitude":150}},
 {"name":"sum","type":"gain","params":{}},
 {"name":"lp","type":"biquad","params":{"filter":")") +
                   type + R"(","frequency":)" + std::to_string(f) + R"(,"q":)" + std::to_string(q) +
                   R"(,"gain_db":)" + std::to_string(g) + R"(}}],
 "edges":[{"from":"a","to":"sum"},{"from":"b","to":"sum"},{"from":"sum","to":"lp"}],
 "modulations":[{"from":"lfo","to":"lp","param":"frequency","mode":"add"}],
 "output":"lp"})";
        };
        const uint32_t frames = 900;
        const std::vector<double> dy = noise(1, 1, frames, 77).data;
        auto render_loss = [&](const std::string &text, std::vector<double> *grads) {
            AmpGraphRuntime *rt = nullptr;
            CHECK_EQ(amp_graph_runtime_create(text.c_str(), &rt), AMP_OK);
            CHECK_EQ(amp_graph_runtime_configure(rt, 1, 64), AMP_OK);
            if (grads != nullptr) CHECK_EQ(amp_graph_runtime_record(rt, frames, 0), AMP_OK);
            std::vector<double> y(frames);
            CHECK_EQ(amp_graph_runtime_execute(rt, frames, y.data(), y.size(), nullptr), AMP_OK);
            if (grads != nullptr) {
                grads->assign(3, 0.0);
                const AmpGradientRequest requests[] = {
                    {"lp", "frequency", 1, grads->data(), 1},
                    {"lp", "q", 1, grads->data() + 1, 1},
                    {"lp", "gain_db", 1, grads->data() + 2, 1},
                };
                CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), requests, 3), AMP_OK);
            }
            amp_graph_runtime_destroy(rt);
            return dot(dy, y);
        };
        std::vector<double> grads;
        render_loss(json(1200, 2, 6), &grads);
        const double h = 1e-3;
        const double df = (render_loss(json(1200 + h, 2, 6), nullptr) -
                           render_loss(json(1200 - h, 2, 6), nullptr)) /
                          (2 * h);
        const double dq = (render_loss(json(1200, 2.001, 6), nullptr) -
                           render_loss(json(1200, 1.999, 6), nullptr)) /
                          0.002;
        const double dg = (render_loss(json(1200, 2, 6.001), nullptr) -
                           render_loss(json(1200, 2, 5.999), nullptr)) /
                          0.002;
        std::printf("  %s:\n", type);
        check_close("biquad frequency", grads[0], df);
        check_close("biquad q", grads[1], dq);
        if (std::string(type) == "lowpass")
            CHECK_EQ(grads[2], 0.0); // lowpass ignores gain_db
        else
            check_close("biquad gain_db", grads[2], dg);
    }
}

// Gradients with respect to control-history points ("@history"): a controller plays a linear
// curve into an oscillator's frequency (add) and a step curve into a gain (multiply); each
// point's value and each linear point's time against central differences of whole renders
// (B = 2, block 64), the same bits from a checkpointed recording, step times 0.
namespace history_points {

constexpr uint32_t kSpan = 400;
const char *kJson = R"({"nodes":[
 {"name":"ctl","type":"controller","params":{"curves":["a","b"],"scale":1.3}},
 {"name":"osc","type":"sine_osc","params":{"frequency":200,"amplitude":0.5}},
 {"name":"m","type":"gain","params":{"gain":0.5}},
 {"name":"out","type":"safety","params":{"limit":10}}],
 "edges":[{"from":"osc","to":"m"},{"from":"m","to":"out"}],
 "modulations":[{"from":"ctl.a","to":"osc","param":"frequency","mode":"add","scale":100},
  {"from":"ctl.b","to":"m","param":"gain","mode":"multiply"}],
 "output":"out"})";

struct Curves {
    std::vector<double> at{-0.5, 100.5, 250.25, 399.75}, av{0.1, 0.9, -0.4, 0.6};
    std::vector<double> bt{0.0, 150.0, 300.0}, bv{1.0, 0.3, 0.8};
};

// Renders kSpan frames with the curves; with `grads`, records (checkpointed when K > 0) and
// returns the "@history" gradient: a values, a times, b values, b times.
std::vector<double> render(const Curves &k, const std::vector<double> &dy,
                           std::vector<double> *grads, uint64_t checkpoint = 0) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kJson, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 64), AMP_OK);
    if (grads != nullptr)
        CHECK_EQ(checkpoint == 0 ? amp_graph_runtime_record(rt, kSpan, 0)
                                 : amp_graph_runtime_record_checkpointed(rt, kSpan, checkpoint, 0),
                 AMP_OK);
    const AmpHistoryCurve curves[] = {{"a", k.at.data(), k.av.data(), 4, AMP_INTERPOLATION_LINEAR},
                                      {"b", k.bt.data(), k.bv.data(), 3, AMP_INTERPOLATION_STEP}};
    AmpControlHistory history{curves, 2, 0};
    AmpRenderOptions options{};
    options.history = &history;
    std::vector<double> y(2 * kSpan);
    CHECK_EQ(amp_graph_runtime_execute(rt, kSpan, y.data(), y.size(), &options), AMP_OK);
    if (grads != nullptr) {
        grads->assign(14, -1.0);
        const AmpGradientRequest request{"ctl", "@history", 0, grads->data(), grads->size()};
        const int32_t status =
            amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), &request, 1, &history, nullptr);
        CHECK_EQ(status, AMP_OK);
        if (status != AMP_OK) std::printf("  %s\n", amp_test::last_error(rt).c_str());
    }
    amp_graph_runtime_destroy(rt);
    return y;
}

} // namespace history_points

TEST(control_history_point_gradients_match_finite_differences) {
    using namespace history_points;
    const std::vector<double> dy = noise(2, 1, kSpan, 311).data;
    const Curves base;
    std::vector<double> grads, checkpointed;
    render(base, dy, &grads);
    render(base, dy, &checkpointed, 37);
    CHECK(grads == checkpointed);
    auto loss = [&](const Curves &k) { return dot(dy, render(k, dy, nullptr)); };
    const double h = 1e-6;
    auto central = [&](std::vector<double> Curves::*member, size_t i) {
        Curves plus = base, minus = base;
        (plus.*member)[i] += h;
        (minus.*member)[i] -= h;
        return (loss(plus) - loss(minus)) / (2 * h);
    };
    for (size_t i = 0; i < 4; ++i) {
        check_close(("a value " + std::to_string(i)).c_str(), grads[i], central(&Curves::av, i));
        check_close(("a time " + std::to_string(i)).c_str(), grads[4 + i], central(&Curves::at, i));
    }
    for (size_t i = 0; i < 3; ++i) {
        check_close(("b value " + std::to_string(i)).c_str(), grads[8 + i],
                    central(&Curves::bv, i));
        CHECK_EQ(grads[11 + i], 0.0); // a step curve's times: no gradient
    }
}

TEST(control_history_point_gradients_refuse_without_a_history_or_points) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(history_points::kJson, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_record(rt, 16, 0), AMP_OK);
    std::vector<double> times{0}, values{0.5}, y(16), dy(16, 1.0), out(4);
    const AmpHistoryCurve curves[] = {{"a", times.data(), values.data(), 1, 1},
                                      {"b", times.data(), values.data(), 1, 0}};
    AmpControlHistory history{curves, 2, 0};
    AmpRenderOptions options{};
    options.history = &history;
    CHECK_EQ(amp_graph_runtime_execute(rt, 16, y.data(), y.size(), &options), AMP_OK);
    const AmpGradientRequest request{"ctl", "@history", 0, out.data(), out.size()};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &request, 1),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "needs the history the span was rendered with");
    const AmpGradientRequest small{"ctl", "@history", 0, out.data(), 3};
    CHECK_EQ(amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), &small, 1, &history, nullptr),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_CONTAINS(amp_test::last_error(rt), "needs 4 doubles, got 3");
    const AmpGradientRequest osc{"osc", "@history", 0, out.data(), out.size()};
    CHECK_EQ(amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), &osc, 1, &history, nullptr),
             AMP_ERR_UNSUPPORTED);
    CHECK_CONTAINS(amp_test::last_error(rt), "reads no control-history points");
    CHECK_EQ(
        amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), &request, 1, &history, nullptr),
        AMP_OK);
    amp_graph_runtime_destroy(rt);
}

// Every node of the catalogue has an adjoint: this test's own pass-through has none (test
// scaffolding, registered before the runtime builds its catalogue).
class PassNode final : public amp::Node {
  public:
    uint32_t output_channels(const uint32_t *channels, uint32_t count,
                             std::string &) const override {
        return count > 0 ? channels[0] : 0;
    }
    void prepare(const amp::PrepareContext &) override {}
    void reset() noexcept override {}
    void process(const amp::ProcessContext &ctx) noexcept override {
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < ctx.output_channels; ++c)
                for (uint32_t f = 0; f < ctx.frames; ++f)
                    ctx.out_row(b, c)[f] = ctx.inputs[0].at(b, c, f);
    }
};
const amp::PortSpec kPassPorts[] = {{"in", "Input.", amp::Gather::Sum}};
const amp::NodeSpec kPassSpec{"test pass-through without adjoint",
                              "Copies its input (test scaffolding).",
                              kPassPorts,
                              1,
                              nullptr,
                              0,
                              0.0,
                              false,
                              "None (test scaffolding).",
                              [](const amp::NodeConfig &) -> std::unique_ptr<amp::Node> {
                                  return std::make_unique<PassNode>();
                              }};

// A node without an adjoint on the path: AMP_ERR_UNSUPPORTED naming it and the path.
TEST(a_node_without_an_adjoint_on_the_path_is_named_with_the_path) {
    static const bool registered = amp::register_node_spec(&kPassSpec);
    CHECK(registered);
    const std::string json = R"({"nodes":[
 {"name":"osc","type":"sine_osc","params":{}},
 {"name":"env","type":"test pass-through without adjoint","params":{}},
 {"name":"g","type":"gain","params":{}}],
 "edges":[{"from":"osc","to":"env"},{"from":"env","to":"g"}],"output":"g"})";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json.c_str(), &rt), AMP_OK);
    std::vector<double> y(64), dy(64, 1.0), da(1);
    CHECK_EQ(amp_graph_runtime_record(rt, 64, 0), AMP_OK);
    CHECK_EQ(amp_graph_runtime_execute(rt, 64, y.data(), y.size(), nullptr), AMP_OK);
    const AmpGradientRequest request{"osc", "amplitude", 1, da.data(), 1};
    const int32_t status = amp_graph_runtime_backward(rt, dy.data(), dy.size(), &request, 1);
    CHECK_EQ(status, AMP_ERR_UNSUPPORTED);
    CHECK_CONTAINS(amp_test::last_error(rt),
                   "node \"env\" (test pass-through without adjoint) has no adjoint");
    CHECK_CONTAINS(amp_test::last_error(rt), "osc -> env -> g");
    amp_graph_runtime_destroy(rt);
}

TEST(recording_is_sized_up_front_and_refused_with_the_bytes_needed) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph_json(220, 0.8, 0.6).c_str(), &rt), AMP_OK);
    uint64_t bytes = 0;
    CHECK_EQ(amp_graph_runtime_record_size(rt, 48000, &bytes), AMP_OK);
    CHECK(bytes > 48000 * sizeof(double));
    CHECK_EQ(amp_graph_runtime_record(rt, 48000, bytes - 1), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "needs " + std::to_string(bytes) + " bytes");
    CHECK_EQ(amp_graph_runtime_record(rt, 48000, bytes), AMP_OK);
    // Backward before the span is rendered: refused.
    std::vector<double> dy(48000, 1.0), dx(48000);
    const AmpGradientRequest request{"x", nullptr, 0, dx.data(), dx.size()};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &request, 1),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "holds 0 of its 48000 frames");
    amp_graph_runtime_destroy(rt);
}

TEST(backward_refuses_bad_requests) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph_json(220, 0.8, 0.6).c_str(), &rt), AMP_OK);
    std::vector<double> y(32), dy(32, 1.0), out(32);
    CHECK_EQ(amp_graph_runtime_record(rt, 32, 0), AMP_OK);
    std::vector<double> times{0}, values{0.5};
    AmpHistoryCurve curve{"x", times.data(), values.data(), 1, AMP_INTERPOLATION_STEP};
    AmpControlHistory history{&curve, 1, 0};
    AmpRenderOptions options{};
    options.history = &history;
    CHECK_EQ(amp_graph_runtime_execute(rt, 32, y.data(), y.size(), &options), AMP_OK);
    const AmpGradientRequest unknown{"osc", "phase", 0, out.data(), out.size()};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &unknown, 1),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "no signal parameter \"phase\"");
    const AmpGradientRequest small{"osc", "amplitude", 0, out.data(), 3};
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), &small, 1),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_CONTAINS(amp_test::last_error(rt), "needs 32 doubles, got 3");
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), 5, &small, 0), AMP_ERR_SHAPE_MISMATCH);
    amp_graph_runtime_destroy(rt);
}

AMP_TEST_MAIN()
