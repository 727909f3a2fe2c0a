// test_allocations.cpp: rendering allocates nothing. Every heap allocation of the process goes
// through the counting malloc family below (operator new calls malloc in libstdc++); the count
// must not move while amp_graph_runtime_execute runs, after configure.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "counting_malloc.h"
#include "dsp/stft.h"
#include "test_support.h"

namespace {

// Every node, modulation, fan-out, feedback through a delay node and through a delayed edge,
// declared delays with latency compensation, a control curve, a thermal budget, timing on.
const char *kGraph = R"({
  "nodes": [
    {"name": "curve", "type": "controller", "params": {"curve": "level"}},
    {"name": "lfo", "type": "sine_osc", "params": {"frequency": 3, "amplitude": 200, "declared_delay_frames": 5}},
    {"name": "osc", "type": "sine_osc", "params": {"frequency": 440, "channels": 2}},
    {"name": "bias", "type": "constant", "params": {"value": 0.1, "channels": 2}},
    {"name": "amp", "type": "gain", "params": {"gain": 0.8}},
    {"name": "loop", "type": "mix", "params": {"channels": 2}},
    {"name": "echo", "type": "delay", "params": {"frames": 300}},
    {"name": "fb", "type": "gain", "params": {"gain": 0.4}},
    {"name": "ring", "type": "gain", "params": {"gain": 0.3, "declared_delay_frames": 260}},
    {"name": "out", "type": "safety", "params": {"limit": 0.9}}
  ],
  "edges": [
    {"from": "osc", "to": "amp"}, {"from": "bias", "to": "amp"},
    {"from": "amp", "to": "loop"}, {"from": "fb", "to": "loop"},
    {"from": "loop", "to": "echo"}, {"from": "echo", "to": "fb"},
    {"from": "loop", "to": "out"}, {"from": "loop", "to": "ring"}, {"from": "ring", "to": "out"},
    {"from": "out", "to": "ring", "delay_frames": 280}
  ],
  "modulations": [
    {"from": "lfo", "to": "osc", "param": "frequency", "mode": "add"},
    {"from": "lfo", "to": "amp", "param": "gain", "mode": "multiply", "scale": 0.004},
    {"from": "curve", "to": "fb", "param": "gain", "mode": "multiply"}
  ],
  "output": "out",
  "timing": true,
  "thermal_budget": 500000
})";

} // namespace

TEST(the_counter_sees_allocations) {
    const long before = g_allocations;
    std::vector<double> *probe = new std::vector<double>(100);
    delete probe;
    CHECK(g_allocations > before);
}

TEST(rendering_allocates_nothing_after_configure) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_threads(rt, 2), AMP_OK); // helper threads start here
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 256), AMP_OK);
    std::vector<double> gains(2 * 256, 0.5);
    CHECK_EQ(amp_graph_runtime_set_param(rt, "fb", "gain", gains.data(), 2, 1, 256), AMP_OK);
    const uint64_t frames = 48000;
    const uint32_t nodes = amp_graph_runtime_node_count(rt);
    std::vector<double> out(2 * 2 * frames), heat((nodes + 1) * 2 * frames);
    AmpRenderOptions options{};
    options.heat_out = heat.data();
    options.heat_len = heat.size();
    volatile int32_t cancel = 0;
    options.cancel_flag = &cancel;
    const double times[3] = {0.0, 24000.0, 30000.0};
    const double values[3] = {0.0, 1.0, 0.5};
    AmpHistoryCurve curve{"level", times, values, 3, AMP_INTERPOLATION_LINEAR};
    AmpControlHistory history{&curve, 1, 0};
    options.history = &history;
    std::vector<uint8_t> over(2 * frames);
    options.over_budget_out = over.data();
    options.over_budget_len = over.size();
    // The graph's safety node publishes two taps, recorded too.
    CHECK_EQ(amp_graph_runtime_tap_count(rt), 2u);
    std::vector<double> taps(2 * 2 * frames, -1.0);
    options.tap_out = taps.data();
    options.tap_len = taps.size();

    // Meters and a progress callback (which clears the window, as hosts do) are counted too.
    std::vector<double> meter_arrays(4 * 4 + 4 * 8, 0.0);
    AmpMeters meters{4,
                     meter_arrays.data(),
                     meter_arrays.data() + 4,
                     meter_arrays.data() + 8,
                     meter_arrays.data() + 12,
                     0,
                     0,
                     0,
                     meter_arrays.data() + 16};
    options.meters = &meters;
    long reports = 0;
    options.progress_user = &reports;
    options.progress = [](void *user, const AmpProgressReport *report) {
        ++*static_cast<long *>(user);
        report->meters->window_frames = 0;
    };

    uint64_t snapshot_bytes = 0;
    CHECK_EQ(amp_graph_runtime_snapshot_size(rt, &snapshot_bytes), AMP_OK);
    std::vector<unsigned char> snapshot(snapshot_bytes);

    const long before = g_allocations;
    CHECK_EQ(amp_graph_runtime_execute(rt, frames, out.data(), out.size(), &options), AMP_OK);
    // Snapshots taken and restored between renders allocate nothing either.
    CHECK_EQ(amp_graph_runtime_snapshot(rt, snapshot.data(), snapshot.size()), AMP_OK);
    options.heat_out = nullptr;
    options.over_budget_out = nullptr;
    CHECK_EQ(amp_graph_runtime_execute(rt, 1001, out.data(), out.size(), &options), AMP_OK);
    CHECK_EQ(amp_graph_runtime_restore(rt, snapshot.data(), snapshot.size()), AMP_OK);
    CHECK_EQ(amp_graph_runtime_execute(rt, 1001, out.data(), out.size(), &options), AMP_OK);
    AmpGraphSummary summary{};
    amp_graph_runtime_describe_graph(rt, &summary);
    CHECK(summary.parallel_levels > 0); // the parallel path is part of what is counted
    const long during = g_allocations - before;
    std::printf("  allocations while rendering %llu frames (heat, taps), with a snapshot and a "
                "restore: %ld\n",
                static_cast<unsigned long long>(frames + 2002), during);
    CHECK_EQ(during, 0L);
    CHECK(reports > 0);
    CHECK_EQ(meters.frames, frames + 2002);
    double energy = 0.0;
    for (double x : out) energy += x * x;
    CHECK(energy > 0.0);
    // The taps were written (every value replaced, not the -1 fill).
    CHECK(std::none_of(taps.begin(), taps.end(), [](double v) { return v < 0.0; }));
    amp_graph_runtime_destroy(rt);
}

namespace {

// Records 24,000 frames of kGraph (2 threads, B = 2, block 256, a control curve) with
// `record`, then renders them with `render` and runs `backward` over the recording (every link
// on the path requested); checks that render and backward allocate nothing and that the
// gradients are not all zero. `what` names the recording in the printed count.
void check_recorded_backward_allocates_nothing(
    const char *what, const std::function<int32_t(AmpGraphRuntime *, uint64_t)> &record,
    const std::function<void(AmpGraphRuntime *, std::vector<double> &, const AmpRenderOptions &)>
        &render,
    const std::function<int32_t(AmpGraphRuntime *, const std::vector<double> &,
                                const AmpGradientRequest *, uint32_t, const AmpControlHistory &)>
        &backward) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(kGraph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_set_threads(rt, 2), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 256), AMP_OK);
    const uint64_t frames = 24000;
    CHECK_EQ(record(rt, frames), AMP_OK);
    std::vector<double> out(2 * 2 * frames), dy(2 * 2 * frames, 1e-3);
    for (size_t i = 0; i < dy.size(); ++i) dy[i] *= static_cast<double>(i % 17) - 8.0;
    const double times[3] = {0.0, 12000.0, 20000.0};
    const double values[3] = {0.0, 1.0, 0.5};
    AmpHistoryCurve curve{"level", times, values, 3, AMP_INTERPOLATION_LINEAR};
    AmpControlHistory history{&curve, 1, 0};
    AmpRenderOptions options{};
    options.history = &history;
    std::vector<double> dfreq(2 * frames), dgain(2), dfb(2), dbias(2 * 2 * frames), damp(2);
    const AmpGradientRequest requests[] = {
        {"osc", "frequency", 0, dfreq.data(), dfreq.size()},
        {"amp", "gain", 1, dgain.data(), dgain.size()},
        {"fb", "gain", 1, dfb.data(), dfb.size()},
        {"bias", nullptr, 0, dbias.data(), dbias.size()},
        {"lfo", "amplitude", 1, damp.data(), damp.size()},
    };
    const long before = g_allocations;
    render(rt, out, options);
    CHECK_EQ(backward(rt, dy, requests, 5, history), AMP_OK);
    const long during = g_allocations - before;
    std::printf("  allocations while recording %llu frames (%s) and running backward: %ld\n",
                static_cast<unsigned long long>(frames), what, during);
    CHECK_EQ(during, 0L);
    CHECK(dgain[0] != 0.0 && dfb[0] != 0.0 && damp[0] != 0.0);
    CHECK(std::any_of(dfreq.begin(), dfreq.end(), [](double v) { return v != 0.0; }));
    amp_graph_runtime_destroy(rt);
}

} // namespace

// Recording a render for the backward pass and the backward pass itself allocate nothing after
// amp_graph_runtime_record (which sizes everything): the same graph, every link on the path,
// the render split into two calls.
TEST(recording_and_backward_allocate_nothing_after_record) {
    check_recorded_backward_allocates_nothing(
        "full recording",
        [](AmpGraphRuntime *rt, uint64_t frames) {
            return amp_graph_runtime_record(rt, frames, 0);
        },
        [](AmpGraphRuntime *rt, std::vector<double> &out, const AmpRenderOptions &options) {
            const uint64_t frames = out.size() / 4;
            CHECK_EQ(amp_graph_runtime_execute(rt, 10007, out.data(), out.size(), &options),
                     AMP_OK);
            CHECK_EQ(
                amp_graph_runtime_execute(rt, frames - 10007, out.data(), out.size(), &options),
                AMP_OK);
        },
        [](AmpGraphRuntime *rt, const std::vector<double> &dy, const AmpGradientRequest *requests,
           uint32_t count, const AmpControlHistory &) {
            return amp_graph_runtime_backward(rt, dy.data(), dy.size(), requests, count);
        });
}

// The same with a checkpointed recording: snapshots during the render, and during the backward
// pass the segments' restores, re-renders with recording and the final restore.
TEST(checkpointed_recording_and_backward_allocate_nothing_after_record) {
    check_recorded_backward_allocates_nothing(
        "checkpoints every 4999",
        [](AmpGraphRuntime *rt, uint64_t frames) {
            return amp_graph_runtime_record_checkpointed(rt, frames, 4999, 0);
        },
        [](AmpGraphRuntime *rt, std::vector<double> &out, const AmpRenderOptions &options) {
            CHECK_EQ(
                amp_graph_runtime_execute(rt, out.size() / 4, out.data(), out.size(), &options),
                AMP_OK);
        },
        [](AmpGraphRuntime *rt, const std::vector<double> &dy, const AmpGradientRequest *requests,
           uint32_t count, const AmpControlHistory &history) {
            return amp_graph_runtime_backward_v2(rt, dy.data(), dy.size(), requests, count,
                                                 &history, nullptr);
        });
}

// The spectral loss allocates everything in its create call; evaluations allocate nothing.
TEST(spectral_loss_allocates_nothing_after_create) {
    AmpSpectralLoss *plan = nullptr;
    CHECK_EQ(amp_loss_spectral_create(1024, 256, AMP_WINDOW_HANN, 0.0, &plan), AMP_OK);
    std::vector<double> y(2 * 20000), target(2 * 20000), gradient(2 * 20000);
    for (size_t i = 0; i < y.size(); ++i) {
        y[i] = std::sin(0.01 * static_cast<double>(i));
        target[i] = std::sin(0.011 * static_cast<double>(i));
    }
    double loss = 0.0;
    const long before = g_allocations;
    for (int call = 0; call < 3; ++call)
        CHECK_EQ(
            amp_loss_spectral_l2(plan, y.data(), target.data(), 2, 20000, &loss, gradient.data()),
            AMP_OK);
    const long during = g_allocations - before;
    std::printf("  allocations during 3 spectral loss calls: %ld\n", during);
    CHECK_EQ(during, 0L);
    CHECK(loss > 0.0);
    amp_loss_spectral_destroy(plan);
}

// The adjoints that record their own rows or keep walk state (issue 13's second set): a pitch
// from oscillator_pitch (slew) modulating a sine's frequency -> subharmonic -> integrator (slew,
// acceleration, clamps) -> fft_divider, summed with a sampler (rate gradient, buffer gradient)
// and a pitch_quantizer on it: recording and backward allocate nothing.
TEST(recording_and_backward_of_the_second_adjoints_allocate_nothing) {
    const char *json = R"({
  "nodes": [
    {"name": "op", "type": "oscillator_pitch", "params": {"root_hz": 220, "slew_hz_per_s": 5000}},
    {"name": "osc", "type": "sine_osc", "params": {"frequency": 0, "amplitude": 0.5}},
    {"name": "sub", "type": "subharmonic", "params": {"div4": 0.3}},
    {"name": "int", "type": "integrator",
     "params": {"slew_rate": 2, "max_acceleration": 5000, "clamp_min": -0.001, "clamp_max": 0.001}},
    {"name": "fd", "type": "fft_divider", "params": {"window_size": 64, "divisor": 0.5}},
    {"name": "smp", "type": "sampler", "params": {"rate": 0.9, "loop": true}},
    {"name": "q", "type": "pitch_quantizer", "params": {"glide_ms": 1}},
    {"name": "out", "type": "gain", "params": {"gain": 1}}
  ],
  "edges": [
    {"from": "osc", "to": "sub"}, {"from": "sub", "to": "int"}, {"from": "int", "to": "fd"},
    {"from": "fd", "to": "out"}, {"from": "smp", "to": "out"}, {"from": "smp", "to": "q"},
    {"from": "q", "to": "out"}
  ],
  "modulations": [{"from": "op", "to": "osc", "param": "frequency", "mode": "add"}],
  "output": "out"
})";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(json, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 256), AMP_OK);
    std::vector<double> sound(3000);
    for (size_t i = 0; i < sound.size(); ++i) sound[i] = std::sin(0.05 * static_cast<double>(i));
    CHECK_EQ(amp_graph_runtime_set_buffer(rt, "smp", 0, sound.data(), 1, sound.size(), 48000.0),
             AMP_OK);
    const uint64_t frames = 12000;
    CHECK_EQ(amp_graph_runtime_record(rt, frames, 0), AMP_OK);
    std::vector<double> out(2 * frames), dy(2 * frames);
    for (size_t i = 0; i < dy.size(); ++i) dy[i] = 1e-3 * (static_cast<double>(i % 13) - 6.0);
    std::vector<double> droot(2), drate(2), dbuffer(sound.size());
    const AmpGradientRequest requests[] = {
        {"op", "root_hz", 1, droot.data(), droot.size()},
        {"smp", "rate", 1, drate.data(), drate.size()},
        {"smp", "@buffer", 1, dbuffer.data(), dbuffer.size()},
    };
    const long before = g_allocations;
    CHECK_EQ(amp_graph_runtime_execute(rt, 5003, out.data(), out.size(), nullptr), AMP_OK);
    CHECK_EQ(amp_graph_runtime_execute(rt, frames - 5003, out.data(), out.size(), nullptr), AMP_OK);
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), requests, 3), AMP_OK);
    const long during = g_allocations - before;
    std::printf("  allocations while recording %llu frames and running backward: %ld\n",
                static_cast<unsigned long long>(frames), during);
    CHECK_EQ(during, 0L);
    CHECK(droot[0] != 0.0 && drate[0] != 0.0);
    amp_graph_runtime_destroy(rt);
}

// The spectral adjoints: fft_divider with a divisor signal and its parameters, pitch_shift
// with its ratio (side records per analysis frame), fully recorded and checkpointed.
TEST(recording_and_backward_of_the_spectral_adjoints_allocate_nothing) {
    const char *json = R"({
  "nodes": [
    {"name": "osc", "type": "sine_osc", "params": {"frequency": 330, "amplitude": 0.5, "channels": 2}},
    {"name": "den", "type": "sine_osc", "params": {"frequency": 3, "amplitude": 0.2}},
    {"name": "one", "type": "constant", "params": {"value": 1}},
    {"name": "fd", "type": "fft_divider", "params": {"window_size": 128, "phase_offset": 0.3}},
    {"name": "ps", "type": "pitch_shift", "params": {"window": 256, "ratio": 1.3}},
    {"name": "out", "type": "gain", "params": {"gain": 1}}
  ],
  "edges": [
    {"from": "osc", "to": "fd"}, {"from": "den", "to": "fd", "port": "divisor"},
    {"from": "one", "to": "fd", "port": "divisor"}, {"from": "fd", "to": "ps"},
    {"from": "ps", "to": "out"}
  ],
  "output": "out"
})";
    for (const uint64_t checkpoint : {uint64_t{0}, uint64_t{2999}}) {
        AmpGraphRuntime *rt = nullptr;
        CHECK_EQ(amp_graph_runtime_create(json, &rt), AMP_OK);
        CHECK_EQ(amp_graph_runtime_configure(rt, 2, 256), AMP_OK);
        const uint64_t frames = 12000;
        CHECK_EQ(checkpoint == 0 ? amp_graph_runtime_record(rt, frames, 0)
                                 : amp_graph_runtime_record_checkpointed(rt, frames, checkpoint, 0),
                 AMP_OK);
        std::vector<double> out(2 * 2 * frames), dy(2 * 2 * frames);
        for (size_t i = 0; i < dy.size(); ++i) dy[i] = 1e-3 * (static_cast<double>(i % 13) - 6.0);
        std::vector<double> dphase(2), dratio(2), dden(2 * frames);
        const AmpGradientRequest requests[] = {
            {"fd", "phase_offset", 1, dphase.data(), dphase.size()},
            {"ps", "ratio", 1, dratio.data(), dratio.size()},
            {"den", nullptr, 0, dden.data(), dden.size()},
        };
        const long before = g_allocations;
        CHECK_EQ(amp_graph_runtime_execute(rt, 5003, out.data(), out.size(), nullptr), AMP_OK);
        CHECK_EQ(amp_graph_runtime_execute(rt, frames - 5003, out.data(), out.size(), nullptr),
                 AMP_OK);
        CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), requests, 3), AMP_OK);
        const long during = g_allocations - before;
        std::printf("  allocations while recording %llu frames (checkpoint %llu) and running "
                    "backward: %ld\n",
                    static_cast<unsigned long long>(frames),
                    static_cast<unsigned long long>(checkpoint), during);
        CHECK_EQ(during, 0L);
        CHECK(dphase[0] != 0.0 && dratio[0] != 0.0);
        CHECK(std::any_of(dden.begin(), dden.end(), [](double v) { return v != 0.0; }));
        amp_graph_runtime_destroy(rt);
    }
}

// The oscillator's adjoint: oversampled (the decimator's transpose), stereo, the periodicity
// cache serving most frames (4800 Hz, a 10-frame period) while the render records.
TEST(oscillator_recording_and_backward_allocate_nothing_after_record) {
    const char *graph = R"({"nodes":[{"name":"osc","type":"oscillator","params":{
 "waveform":"saw","frequency":4800,"oversample":4,"stereo":true,"pan":0.3,"cache":true}}],
 "edges":[],"output":"osc"})";
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(graph, &rt), AMP_OK);
    CHECK_EQ(amp_graph_runtime_configure(rt, 2, 256), AMP_OK);
    const uint64_t frames = 6000;
    CHECK_EQ(amp_graph_runtime_record(rt, frames, 0), AMP_OK);
    std::vector<double> out(2 * 2 * frames), dy(2 * 2 * frames, 1e-3);
    for (size_t i = 0; i < dy.size(); ++i) dy[i] *= static_cast<double>(i % 13) - 6.0;
    std::vector<double> dfreq(2 * frames), damp(2), dpan(2 * frames);
    const AmpGradientRequest requests[] = {
        {"osc", "frequency", 0, dfreq.data(), dfreq.size()},
        {"osc", "amplitude", 1, damp.data(), damp.size()},
        {"osc", "pan", 0, dpan.data(), dpan.size()},
    };
    const long before = g_allocations;
    CHECK_EQ(amp_graph_runtime_execute(rt, 2501, out.data(), out.size(), nullptr), AMP_OK);
    CHECK_EQ(amp_graph_runtime_execute(rt, frames - 2501, out.data(), out.size(), nullptr), AMP_OK);
    CHECK_EQ(amp_graph_runtime_backward(rt, dy.data(), dy.size(), requests, 3), AMP_OK);
    const long during = g_allocations - before;
    CHECK_EQ(during, 0L);
    CHECK(damp[0] != 0.0);
    CHECK(std::any_of(dfreq.begin(), dfreq.end(), [](double v) { return v != 0.0; }));
    CHECK(std::any_of(dpan.begin(), dpan.end(), [](double v) { return v != 0.0; }));
    amp_graph_runtime_destroy(rt);
}

TEST(analysis_calls_allocate_nothing_after_planning) {
    const uint32_t frames = 20000;
    std::vector<double> x(2 * frames);
    for (uint32_t f = 0; f < 2 * frames; ++f) x[f] = std::sin(0.01 * f) + 0.001 * (f % 7);
    const AmpAudioView view{x.data(), 1, 2, frames};
    const uint32_t lanes[2] = {0, 1};
    AmpAnalysisConfig config{};
    config.sample_rate = 48000.0;
    config.size = 256;
    config.hop = 64;
    config.window = AMP_WINDOW_HANN;
    config.scale = AMP_SCALE_LOG;
    config.points = 100;
    config.min_hz = 20.0;
    config.max_hz = 24000.0;
    config.floor_db = -140.0;
    AmpAnalysisPlan *plan = nullptr, *bins = nullptr;
    CHECK_EQ(amp_analysis_plan_create(&config, &plan), AMP_OK);
    config.scale = AMP_SCALE_BINS;
    CHECK_EQ(amp_analysis_plan_create(&config, &bins), AMP_OK);
    const uint64_t analysis_frames = amp_analysis_plan_frames(plan, frames);
    const uint64_t stft_frames = amp_analysis_stft_frames(frames, 256, 64);
    std::vector<double> power(2 * 129), psd(2 * 129), db(2 * 50 * 100), times(analysis_frames);
    std::vector<double> energy(2 * 3 * analysis_frames), level(2 * 3 * analysis_frames);
    std::vector<double> lo(2 * 500), hi(2 * 500), rms(2 * 500), peak_hz(6), peak_bin(6), peak_db(6),
        spectra(stft_frames * 2 * 129), y(frames), levels(10);
    std::vector<uint32_t> bad(2 * 500), found(2);
    const double bands[] = {0.0, 1000.0, 1000.0, 8000.0, 8000.0, 24000.0};

    const long before = g_allocations;
    CHECK_EQ(amp_analysis_spectrum(plan, &view, lanes, 2, power.data(), psd.data(), nullptr),
             AMP_OK);
    CHECK_EQ(amp_analysis_spectrogram(plan, &view, lanes, 2, 50, db.data(), times.data(), nullptr),
             AMP_OK);
    CHECK_EQ(amp_analysis_band_energy(bins, &view, lanes, 2, bands, 3, energy.data(), level.data(),
                                      times.data()),
             AMP_OK);
    CHECK_EQ(amp_analysis_peaks(bins, &view, lanes, 2, 3, -100.0, peak_hz.data(), peak_bin.data(),
                                peak_db.data(), found.data()),
             AMP_OK);
    CHECK_EQ(amp_analysis_envelope(&view, lanes, 2, 10, frames, 500, lo.data(), hi.data(),
                                   rms.data(), bad.data()),
             AMP_OK);
    CHECK_EQ(amp_analysis_levels(&view, levels.data(), levels.data() + 2, levels.data() + 4,
                                 levels.data() + 6, levels.data() + 8),
             AMP_OK);
    CHECK_EQ(amp_analysis_stft(bins, x.data(), frames, spectra.data(), spectra.size()), AMP_OK);
    CHECK_EQ(amp_analysis_istft(bins, spectra.data(), stft_frames, y.data(), frames), AMP_OK);
    const long during = g_allocations - before;
    std::printf("  allocations during 8 analysis calls: %ld\n", during);
    CHECK_EQ(during, 0L);
    CHECK(found[0] >= 1);
    amp_analysis_plan_destroy(plan);
    amp_analysis_plan_destroy(bins);
}

TEST(the_streamed_stft_allocates_nothing_while_processing) {
    std::vector<double> w(512);
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_HANN, 0.0, 0, 512, w.data(), nullptr), AMP_OK);
    auto setup = std::make_shared<const amp::dsp::StftSetup>(w.data(), 512, 128);
    amp::dsp::StftStream stream(setup);
    std::vector<double> x(20000), y(20000);
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.05 * static_cast<double>(i));
    auto zero_high_bins = [](void *, double *spectrum, std::size_t bins, uint64_t) {
        for (std::size_t k = bins / 2; k < bins; ++k) spectrum[2 * k] = spectrum[2 * k + 1] = 0.0;
    };
    const long before = g_allocations;
    for (size_t at = 0; at < x.size(); at += 333)
        stream.process(x.data() + at, y.data() + at, std::min<size_t>(333, x.size() - at),
                       zero_high_bins, nullptr);
    CHECK_EQ(g_allocations - before, 0L);
    CHECK(std::fabs(y[10000] - x[10000 - 511]) < 1e-6); // 0.05 rad/sample: bin 4 of 257
}

// A host's loop "call one frame, read, amp_free" on a kept state: after the first calls (the
// state, the output allocator's first block of each size) it allocates nothing: the outputs come
// back from the allocator's per-thread cache, and the one-frame path binds nothing new. Sine and
// gain with B = 2, C = 2, and gain with a parameter view per call.
TEST(single_node_calls_of_one_frame_allocate_nothing_once_warm) {
    const double x[4] = {0.5, -0.25, 0.125, 1.0};
    const double g[2] = {0.5, 2.0};
    const AmpParamView gain_view{"gain", g, 2, 1, 1};
    const AmpAudioView audio{x, 2, 2, 1};
    struct Case {
        AmpNodeDescriptorView descriptor;
        AmpNodeInputs inputs;
        int32_t channels;
    };
    const Case cases[] = {
        {{"s", "sine_osc", R"({"channels":2})"}, {nullptr, 0, nullptr, 0}, 0},
        {{"g", "gain", "{}"}, {&audio, 1, nullptr, 0}, 2},
        {{"g", "gain", "{}"}, {&audio, 1, &gain_view, 1}, 2},
    };
    for (const Case &c : cases) {
        void *state = nullptr;
        long before = 0;
        for (int call = 0; call < 200; ++call) {
            if (call == 10) before = g_allocations;
            double *out = nullptr;
            int32_t out_channels = 0;
            CHECK_EQ(amp_run_node_v2(&c.descriptor, &c.inputs, 2, c.channels, 1, 48000.0, &out,
                                     &out_channels, &state, nullptr, AMP_EXECUTION_FORWARD,
                                     nullptr),
                     AMP_OK);
            amp_free(out);
        }
        CHECK_EQ(g_allocations - before, 0L);
        amp_release_state(state);
    }
}

AMP_TEST_MAIN()
