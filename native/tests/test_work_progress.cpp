// test_work_progress.cpp: progress and cancel of analysis calls (amp_analysis_plan_set_work)
// and of the graph backward pass (amp_graph_runtime_backward_v2). Reports count every unit in
// order and end at the total; a flag raised from the callback stops the call with
// AMP_ERR_CANCELLED after that unit; a flag raised before the call stops it before the first;
// afterwards the plan (runtime) gives the bits an uncancelled call gives.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

struct Log {
    std::vector<AmpProgressReport> reports;
    volatile int32_t flag = 0;
    uint64_t cancel_at = 0; // raise the flag at this report (0: never)
};

void on_progress(void *user, const AmpProgressReport *report) {
    Log &log = *static_cast<Log *>(user);
    log.reports.push_back(*report);
    if (log.cancel_at != 0 && log.reports.size() == log.cancel_at) log.flag = 1;
}

AmpWorkOptions options_for(Log &log) {
    AmpWorkOptions work{};
    work.cancel_flag = &log.flag;
    work.progress = on_progress;
    work.progress_user = &log;
    return work;
}

std::vector<double> signal(uint32_t lanes, uint32_t frames) {
    std::vector<double> x(static_cast<size_t>(lanes) * frames);
    for (size_t i = 0; i < x.size(); ++i) x[i] = 0.5 * std::sin(0.031 * static_cast<double>(i));
    return x;
}

AmpAnalysisPlan *make_plan() {
    AmpAnalysisConfig config{};
    config.sample_rate = 48000.0;
    config.size = 256;
    config.hop = 64;
    config.window = AMP_WINDOW_HANN;
    config.scale = AMP_SCALE_BINS;
    config.floor_db = -200.0;
    AmpAnalysisPlan *plan = nullptr;
    CHECK_EQ(amp_analysis_plan_create(&config, &plan), AMP_OK);
    return plan;
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

struct Spectrogram {
    int32_t status;
    std::vector<double> db, times;
};

Spectrogram spectrogram(AmpAnalysisPlan *plan, const std::vector<double> &x, uint32_t frames) {
    const AmpAudioView view{x.data(), 1, 2, frames};
    const uint32_t lanes[] = {0, 1};
    const uint64_t columns = amp_analysis_plan_frames(plan, frames);
    Spectrogram out{AMP_OK, std::vector<double>(2 * columns * 129), std::vector<double>(columns)};
    out.status = amp_analysis_spectrogram(plan, &view, lanes, 2, static_cast<uint32_t>(columns),
                                          out.db.data(), out.times.data(), nullptr);
    return out;
}

TEST(analysis_reports_every_frame_in_order_and_ends_at_the_total) {
    const uint32_t frames = 4096;
    const std::vector<double> x = signal(2, frames);
    AmpAnalysisPlan *plan = make_plan();
    const Spectrogram plain = spectrogram(plan, x, frames);
    CHECK_EQ(plain.status, AMP_OK);
    Log log;
    const AmpWorkOptions work = options_for(log);
    CHECK_EQ(amp_analysis_plan_set_work(plan, &work), AMP_OK);
    const Spectrogram watched = spectrogram(plan, x, frames);
    CHECK_EQ(watched.status, AMP_OK);
    CHECK(same_bits(watched.db, plain.db));
    const uint64_t total = 2 * amp_analysis_plan_frames(plan, frames);
    CHECK_EQ(log.reports.size(), static_cast<size_t>(total));
    for (size_t i = 0; i < log.reports.size(); ++i) {
        CHECK_EQ(log.reports[i].call_done, static_cast<uint64_t>(i + 1));
        CHECK_EQ(log.reports[i].position, static_cast<uint64_t>(i + 1));
        CHECK_EQ(log.reports[i].call_frames, total);
        CHECK(log.reports[i].meters == nullptr);
    }
    // Every frame-based call and the STFT pair count their frames.
    const AmpAudioView view{x.data(), 1, 2, frames};
    const uint32_t lanes[] = {0, 1};
    std::vector<double> power(2 * 129), psd(2 * 129), centroid(2);
    log.reports.clear();
    CHECK_EQ(amp_analysis_spectrum(plan, &view, lanes, 2, power.data(), psd.data(), nullptr),
             AMP_OK);
    CHECK_EQ(log.reports.size(), static_cast<size_t>(total));
    log.reports.clear();
    CHECK_EQ(amp_analysis_centroid(plan, &view, lanes, 2, centroid.data()), AMP_OK);
    CHECK_EQ(log.reports.size(), static_cast<size_t>(total));
    const uint64_t stft_frames = amp_analysis_stft_frames(frames, 256, 64);
    std::vector<double> spectra(stft_frames * 2 * 129), back(frames);
    log.reports.clear();
    CHECK_EQ(amp_analysis_stft(plan, x.data(), frames, spectra.data(), spectra.size()), AMP_OK);
    CHECK_EQ(log.reports.size(), static_cast<size_t>(stft_frames));
    CHECK_EQ(log.reports.back().call_frames, stft_frames);
    log.reports.clear();
    CHECK_EQ(amp_analysis_istft(plan, spectra.data(), stft_frames, back.data(), frames), AMP_OK);
    CHECK_EQ(log.reports.size(), static_cast<size_t>(stft_frames));
    // Cleared: no more reports.
    CHECK_EQ(amp_analysis_plan_set_work(plan, nullptr), AMP_OK);
    log.reports.clear();
    CHECK_EQ(spectrogram(plan, x, frames).status, AMP_OK);
    CHECK(log.reports.empty());
    CHECK_EQ(amp_analysis_plan_set_work(nullptr, &work), AMP_ERR_INVALID_ARGUMENT);
    amp_analysis_plan_destroy(plan);
}

TEST(a_cancelled_analysis_stops_after_the_unit_and_the_plan_stays_usable) {
    const uint32_t frames = 4096;
    const std::vector<double> x = signal(2, frames);
    AmpAnalysisPlan *plan = make_plan();
    const Spectrogram plain = spectrogram(plan, x, frames);
    Log log;
    log.cancel_at = 7;
    const AmpWorkOptions work = options_for(log);
    CHECK_EQ(amp_analysis_plan_set_work(plan, &work), AMP_OK);
    CHECK_EQ(spectrogram(plan, x, frames).status, AMP_ERR_CANCELLED);
    CHECK_EQ(log.reports.size(), size_t{7});
    AmpErrorView error{};
    CHECK_EQ(amp_analysis_last_error(&error), AMP_ERR_CANCELLED);
    CHECK_CONTAINS(std::string(error.detail), "cancelled by the caller after 7 of");
    // A flag still raised stops the next call before its first frame.
    log.reports.clear();
    CHECK_EQ(spectrogram(plan, x, frames).status, AMP_ERR_CANCELLED);
    CHECK(log.reports.empty());
    // Lowered: the same plan gives the uncancelled bits.
    log.flag = 0;
    log.cancel_at = 0;
    const Spectrogram again = spectrogram(plan, x, frames);
    CHECK_EQ(again.status, AMP_OK);
    CHECK(same_bits(again.db, plain.db));
    CHECK(same_bits(again.times, plain.times));
    // Raised during the last unit: the finished result stands.
    log.reports.clear();
    log.cancel_at = 2 * amp_analysis_plan_frames(plan, frames);
    const Spectrogram last = spectrogram(plan, x, frames);
    CHECK_EQ(last.status, AMP_OK);
    CHECK(same_bits(last.db, plain.db));
    amp_analysis_plan_destroy(plan);
}

const char *kGraph = R"({
  "nodes": [
    {"name": "osc", "type": "sine_osc", "params": {"frequency": 440, "channels": 2}},
    {"name": "lfo", "type": "sine_osc", "params": {"frequency": 3, "amplitude": 0.3}},
    {"name": "amp", "type": "gain", "params": {"gain": 0.7}}
  ],
  "edges": [{"from": "osc", "to": "amp"}],
  "modulations": [{"from": "lfo", "to": "amp", "param": "gain", "mode": "add"}],
  "output": "amp"
})";

struct Pass {
    int32_t status = AMP_OK;
    std::vector<double> gain, freq;
};

// Records and renders `frames` at block 64, then runs a backward pass with `work`.
Pass record_and_backward(AmpGraphRuntime *rt, uint64_t frames, const AmpWorkOptions *work) {
    Pass pass;
    CHECK_EQ(amp_graph_runtime_record(rt, frames, 0), AMP_OK);
    std::vector<double> y(2 * frames), dy(2 * frames);
    CHECK_EQ(amp_graph_runtime_execute(rt, frames, y.data(), y.size(), nullptr), AMP_OK);
    for (size_t i = 0; i < dy.size(); ++i) dy[i] = std::cos(0.01 * static_cast<double>(i));
    pass.gain.assign(frames, 0.0);
    pass.freq.assign(1, 0.0);
    const AmpGradientRequest requests[] = {{"amp", "gain", 0, pass.gain.data(), frames},
                                           {"osc", "frequency", 1, pass.freq.data(), 1}};
    pass.status =
        amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), requests, 2, nullptr, work);
    return pass;
}

TEST(backward_reports_windows_and_a_cancelled_pass_leaves_the_runtime_usable) {
    const uint64_t frames = 1000;
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 1, 64), AMP_OK);
    const Pass plain = record_and_backward(rt, frames, nullptr);
    CHECK_EQ(plain.status, AMP_OK);
    AmpGraphSummary before{};
    CHECK_EQ(amp_graph_runtime_describe_graph(rt, &before), AMP_OK);

    // Reports: windows of at most the block, from the span's end, ending at the span.
    CHECK_EQ(amp_graph_runtime_reset(rt), AMP_OK);
    Log log;
    AmpWorkOptions work = options_for(log);
    const Pass watched = record_and_backward(rt, frames, &work);
    CHECK_EQ(watched.status, AMP_OK);
    CHECK(same_bits(watched.gain, plain.gain));
    CHECK(same_bits(watched.freq, plain.freq));
    CHECK(log.reports.size() >= static_cast<size_t>(frames / 64));
    for (size_t i = 0; i < log.reports.size(); ++i) {
        CHECK_EQ(log.reports[i].call_frames, frames);
        CHECK(log.reports[i].call_done > (i == 0 ? 0 : log.reports[i - 1].call_done));
        CHECK(log.reports[i].call_done - (i == 0 ? 0 : log.reports[i - 1].call_done) <= 64);
    }
    CHECK_EQ(log.reports.back().call_done, frames);

    // Cancelled from the third report: AMP_ERR_CANCELLED, recorded as the last error.
    CHECK_EQ(amp_graph_runtime_reset(rt), AMP_OK);
    log = Log{};
    log.cancel_at = 3;
    work = options_for(log);
    const Pass cancelled = record_and_backward(rt, frames, &work);
    CHECK_EQ(cancelled.status, AMP_ERR_CANCELLED);
    CHECK_EQ(log.reports.size(), size_t{3});
    CHECK_CONTAINS(amp_test::last_error(rt), "backward cancelled by the caller");
    // The same recording runs again (flag lowered) with the uncancelled bits.
    log.flag = 0;
    log.cancel_at = 0;
    std::vector<double> dy(2 * frames), gain(frames), freq(1);
    for (size_t i = 0; i < dy.size(); ++i) dy[i] = std::cos(0.01 * static_cast<double>(i));
    const AmpGradientRequest requests[] = {{"amp", "gain", 0, gain.data(), frames},
                                           {"osc", "frequency", 1, freq.data(), 1}};
    CHECK_EQ(amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), requests, 2, nullptr, &work),
             AMP_OK);
    CHECK(same_bits(gain, plain.gain));
    CHECK(same_bits(freq, plain.freq));
    // A new record + render + backward on the same runtime gives the same bits.
    CHECK_EQ(amp_graph_runtime_reset(rt), AMP_OK);
    const Pass fresh = record_and_backward(rt, frames, nullptr);
    CHECK_EQ(fresh.status, AMP_OK);
    CHECK(same_bits(fresh.gain, plain.gain));
    CHECK(same_bits(fresh.freq, plain.freq));
    AmpGraphSummary after{};
    CHECK_EQ(amp_graph_runtime_describe_graph(rt, &after), AMP_OK);
    CHECK_EQ(after.frames_rendered, before.frames_rendered);
    CHECK_EQ(after.total_heat, before.total_heat);
    // A flag raised before the pass stops it before the first window.
    log = Log{};
    log.flag = 1;
    work = options_for(log);
    CHECK_EQ(amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), requests, 2, nullptr, &work),
             AMP_ERR_CANCELLED);
    CHECK(log.reports.empty());
    amp_graph_runtime_destroy(rt);
}

} // namespace

AMP_TEST_MAIN()
