// test_progress_meters.cpp: AmpMeters and the progress callback of amp_graph_runtime_execute.
// Meters equal amp_analyze_levels of the concatenated output bit for bit, for any block size
// and any split into calls; the callback runs once per block with the stream position, the
// call's progress and the graph heat; cancelling mid-call leaves the meters at the frames
// written; bad meters are refused; rows mixing finite and non-finite samples (any block split)
// meter as the levels functions measure them.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "runtime/meters.h"
#include "test_support.h"

namespace {

const char *kGraph = R"({
  "nodes": [
    {"name": "lfo", "type": "sine_osc", "params": {"frequency": 3, "amplitude": 200}},
    {"name": "osc", "type": "sine_osc", "params": {"frequency": 440, "channels": 2}},
    {"name": "amp", "type": "gain", "params": {"gain": 0.7}}
  ],
  "edges": [{"from": "osc", "to": "amp"}],
  "modulations": [{"from": "lfo", "to": "osc", "param": "frequency", "mode": "add"}],
  "output": "amp"
})";

struct MeterStore {
    std::vector<double> arrays;
    AmpMeters meters{};
    explicit MeterStore(uint32_t lanes) : arrays(12 * lanes, 0.0) {
        meters.lanes = lanes;
        meters.peak = arrays.data();
        meters.energy = arrays.data() + lanes;
        meters.window_peak = arrays.data() + 2 * lanes;
        meters.window_energy = arrays.data() + 3 * lanes;
        meters.energy_lanes = arrays.data() + 4 * lanes; // lanes x 8
    }
};

struct Log {
    std::vector<AmpProgressReport> reports;
    std::vector<double> window_peaks; // lane 0's window peak at each report, then cleared
    bool clear_window = true;
};

void on_progress(void *user, const AmpProgressReport *report) {
    Log &log = *static_cast<Log *>(user);
    log.reports.push_back(*report);
    if (report->meters != nullptr) {
        log.window_peaks.push_back(report->meters->window_peak[0]);
        if (log.clear_window) {
            for (uint32_t l = 0; l < report->meters->lanes; ++l)
                report->meters->window_peak[l] = report->meters->window_energy[l] = 0.0;
            report->meters->window_frames = 0;
        }
    }
}

// Renders `frames` in calls of `call` frames at block `block`, metering every call.
std::vector<double> render_metered(uint32_t batches, uint32_t block, uint64_t frames, uint64_t call,
                                   MeterStore &store, Log *log) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, batches, block), AMP_OK);
    const size_t lanes = static_cast<size_t>(batches) * 2;
    std::vector<double> all(lanes * frames);
    std::vector<double> chunk(lanes * call);
    AmpRenderOptions options{};
    options.meters = &store.meters;
    if (log != nullptr) {
        options.progress = on_progress;
        options.progress_user = log;
    }
    for (uint64_t done = 0; done < frames; done += call) {
        const uint64_t n = std::min<uint64_t>(call, frames - done);
        CHECK_EQ(amp_graph_runtime_execute(rt, n, chunk.data(), chunk.size(), &options), AMP_OK);
        for (size_t l = 0; l < lanes; ++l)
            std::memcpy(all.data() + l * frames + done, chunk.data() + l * n, n * sizeof(double));
    }
    amp_graph_runtime_destroy(rt);
    return all;
}

} // namespace

TEST(meters_equal_analyze_levels_bit_for_bit_for_any_block_and_call_split) {
    const uint64_t frames = 10007;
    for (uint32_t block : {1u, 37u, 512u, 4096u}) {
        for (uint64_t call : {uint64_t{333}, uint64_t{10007}}) {
            MeterStore store(4);
            const std::vector<double> out = render_metered(2, block, frames, call, store, nullptr);
            std::vector<double> peak(4), rms(4);
            CHECK_EQ(amp_analyze_levels(out.data(), 2, 2, static_cast<uint32_t>(frames),
                                        peak.data(), rms.data()),
                     AMP_OK);
            CHECK_EQ(store.meters.frames, frames);
            CHECK_EQ(store.meters.nonfinite, uint64_t{0});
            for (uint32_t l = 0; l < 4; ++l) {
                CHECK_EQ(store.meters.peak[l], peak[l]);
                const double meter_rms =
                    std::sqrt(store.meters.energy[l] / static_cast<double>(frames));
                CHECK_EQ(meter_rms, rms[l]);
                CHECK(peak[l] > 0.3); // amplitude 0.5 x gain 0.7
            }
        }
    }
}

TEST(progress_runs_once_per_block_with_position_call_progress_and_heat) {
    MeterStore store(2);
    Log log;
    render_metered(1, 100, 1000, 450, store, &log);
    // Calls of 450, 450, 100 frames at block 100: blocks of 100,100,100,100,50 | 50,100,...
    CHECK_EQ(log.reports.size(), size_t{11});
    uint64_t previous = 0;
    for (const AmpProgressReport &r : log.reports) {
        CHECK(r.position > previous);
        previous = r.position;
        CHECK(r.call_done <= r.call_frames);
        CHECK(r.heat_total > 0.0);
        CHECK(r.meters == &store.meters);
    }
    CHECK_EQ(log.reports[4].position, uint64_t{450});
    CHECK_EQ(log.reports[4].call_done, uint64_t{450});
    CHECK_EQ(log.reports[4].call_frames, uint64_t{450});
    CHECK_EQ(log.reports[5].position, uint64_t{500});
    CHECK_EQ(log.reports[5].call_done, uint64_t{50});
    CHECK_EQ(log.reports.back().position, uint64_t{1000});
    // The window was cleared at every report, so it only ever held one block.
    CHECK_EQ(store.meters.window_frames, uint64_t{0});
    for (double p : log.window_peaks) CHECK(p <= store.meters.peak[0]);
}

TEST(an_uncleared_window_accumulates_like_the_totals) {
    MeterStore store(2);
    Log log;
    log.clear_window = false;
    render_metered(1, 64, 640, 640, store, &log);
    CHECK_EQ(store.meters.window_frames, uint64_t{640});
    CHECK_EQ(store.meters.window_peak[1], store.meters.peak[1]);
    // The window adds each block's sum; the total sums by frame lanes over the stream: the
    // same value within rounding.
    CHECK(std::fabs(store.meters.window_energy[1] - store.meters.energy[1]) <=
          1e-12 * store.meters.energy[1]);
    CHECK(store.meters.energy[1] > 0.0);
}

TEST(a_cancelled_call_meters_exactly_the_frames_it_wrote) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 1, 128), AMP_OK);
    MeterStore store(2);
    struct Stopper {
        volatile int32_t flag = 0;
    } stopper;
    AmpRenderOptions options{};
    options.meters = &store.meters;
    options.cancel_flag = &stopper.flag;
    options.progress_user = &stopper;
    options.progress = [](void *user, const AmpProgressReport *report) {
        if (report->call_done >= 640) static_cast<Stopper *>(user)->flag = 1;
    };
    std::vector<double> out(2 * 4800, 0.0);
    CHECK_EQ(amp_graph_runtime_execute(rt, 4800, out.data(), out.size(), &options),
             AMP_ERR_CANCELLED);
    AmpGraphSummary summary{};
    amp_graph_runtime_describe_graph(rt, &summary);
    CHECK_EQ(summary.frames_rendered, uint64_t{640});
    CHECK_EQ(store.meters.frames, uint64_t{640});
    amp_graph_runtime_destroy(rt);
}

TEST(meters_of_the_wrong_shape_are_refused_before_rendering) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    MeterStore store(3);
    AmpRenderOptions options{};
    options.meters = &store.meters;
    std::vector<double> out(2 * 64);
    CHECK_EQ(amp_graph_runtime_execute(rt, 64, out.data(), out.size(), &options),
             AMP_ERR_SHAPE_MISMATCH);
    AmpErrorView error{};
    amp_graph_runtime_last_error(rt, &error);
    CHECK_CONTAINS(std::string(error.detail),
                   "meters hold 3 lanes; batches x output channels is 2");
    store.meters.lanes = 2;
    store.meters.window_energy = nullptr;
    CHECK_EQ(amp_graph_runtime_execute(rt, 64, out.data(), out.size(), &options),
             AMP_ERR_INVALID_ARGUMENT);
    AmpGraphSummary summary{};
    amp_graph_runtime_describe_graph(rt, &summary);
    CHECK_EQ(summary.frames_rendered, uint64_t{0});
    amp_graph_runtime_destroy(rt);
}

TEST(non_finite_output_is_counted_and_metered_as_zero) {
    // 1e12 through 26 gains of 1e12 overflows to +inf on every frame.
    std::string nodes = R"({"name": "c", "type": "constant", "params": {"value": 1e12}})";
    std::string edges;
    for (int i = 0; i < 26; ++i) {
        nodes += ",{\"name\": \"g" + std::to_string(i) +
                 "\", \"type\": \"gain\", \"params\": {\"gain\": 1e12}}";
        edges += std::string(i == 0 ? "" : ",") + "{\"from\": \"" +
                 (i == 0 ? std::string("c") : "g" + std::to_string(i - 1)) + "\", \"to\": \"g" +
                 std::to_string(i) + "\"}";
    }
    const std::string graph =
        "{\"nodes\": [" + nodes + "], \"edges\": [" + edges + "], \"output\": \"g25\"}";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph.c_str(), &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 1, 8), AMP_OK);
    MeterStore store(1);
    AmpRenderOptions options{};
    options.meters = &store.meters;
    std::vector<double> out(16);
    CHECK_EQ(amp_graph_runtime_execute(rt, 16, out.data(), out.size(), &options), AMP_OK);
    CHECK(std::isinf(out[0]));
    CHECK_EQ(store.meters.nonfinite, uint64_t{16});
    CHECK_EQ(store.meters.peak[0], 0.0);
    CHECK_EQ(store.meters.energy[0], 0.0);
    CHECK_EQ(store.meters.frames, uint64_t{16});
    amp_graph_runtime_destroy(rt);
}

TEST(rows_mixing_non_finite_samples_meter_like_the_levels_for_any_block_split) {
    // Lane 0: finite noise with NaN and +-inf here and there; lane 1: finite only, with values
    // whose square overflows; lane 2: every sample a zero of either sign (the peak is +0).
    const uint32_t lanes = 3, frames = 1001;
    std::vector<double> rows(lanes * frames);
    uint64_t seed = 12345;
    auto noise = [&seed]() {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(seed >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    };
    const double inf = std::numeric_limits<double>::infinity();
    for (uint32_t f = 0; f < frames; ++f) {
        double x = noise();
        if (f % 97 == 13) x = std::numeric_limits<double>::quiet_NaN();
        if (f % 211 == 7) x = (f % 2 == 0) ? inf : -inf;
        rows[f] = x;
        rows[frames + f] = f == 500 ? -1e200 : (f == 900 ? 1e160 : noise());
        rows[2 * frames + f] = f % 3 == 0 ? -0.0 : 0.0;
    }
    std::vector<double> peak(lanes), rms(lanes);
    CHECK_EQ(amp_analyze_levels(rows.data(), 1, lanes, frames, peak.data(), rms.data()), AMP_OK);
    const uint64_t bad = amp_count_nonfinite(rows.data(), rows.size());
    CHECK(bad > 10);
    for (uint32_t block : {1u, 5u, 8u, 13u, 64u, 512u, 1001u}) {
        std::vector<double> arrays(12 * lanes, 0.0);
        AmpMeters m{};
        m.lanes = lanes;
        m.peak = arrays.data();
        m.energy = arrays.data() + lanes;
        m.window_peak = arrays.data() + 2 * lanes;
        m.window_energy = arrays.data() + 3 * lanes;
        m.energy_lanes = arrays.data() + 4 * lanes;
        for (uint32_t done = 0; done < frames; done += block)
            amp::accumulate_meters(m, rows.data() + done, frames, std::min(block, frames - done));
        CHECK_EQ(m.frames, uint64_t{frames});
        CHECK_EQ(m.window_frames, uint64_t{frames});
        CHECK_EQ(m.nonfinite, bad);
        for (uint32_t l = 0; l < lanes; ++l) {
            CHECK_EQ(m.peak[l], peak[l]);
            CHECK_EQ(m.window_peak[l], peak[l]);
            CHECK_EQ(std::sqrt(m.energy[l] / frames), rms[l]);
        }
        CHECK(!std::signbit(m.peak[2]));
        CHECK(std::isinf(m.energy[1])); // 1e200 squared
        CHECK(std::isfinite(m.energy[0]) && m.energy[0] > 0.0);
        CHECK(std::fabs(m.window_energy[0] - m.energy[0]) <= 1e-12 * m.energy[0]);
    }
}

AMP_TEST_MAIN()
