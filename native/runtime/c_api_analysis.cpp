// c_api_analysis.cpp: the amp_analysis_* entry points. Boundary only: null checks, conversions,
// the per-thread last error, and catching everything (no exception crosses the ABI).
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "amp_native.h"
#include "analysis/analysis.h"
#include "dsp/stft.h"
#include "dsp/window.h"
#include "runtime/errors.h"

struct AmpAnalysisPlan {
    amp::analysis::Plan plan;
    // The STFT setup when hop <= size and the overlap-added squared window never vanishes;
    // otherwise stft_error says why amp_analysis_stft / istft refuse this plan.
    std::unique_ptr<amp::dsp::StftSetup> stft;
    std::string stft_error;
    std::vector<double> stft_scratch;
    explicit AmpAnalysisPlan(const amp::analysis::PlanConfig &config) : plan(config) {}
};

namespace {

struct AnalysisError {
    int32_t code = AMP_OK;
    std::string detail;
};
thread_local AnalysisError t_last_error;

int32_t record(int32_t code, const char *detail) {
    try {
        t_last_error.code = code;
        t_last_error.detail = detail;
    } catch (...) {
        t_last_error.code = code;
    }
    return code;
}

[[noreturn]] void fail(const std::string &detail) {
    throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "", detail);
}

// Runs body, turning every failure into a status and a last-error record.
template <typename Body>
int32_t guarded(Body &&body) {
    try {
        body();
        return AMP_OK;
    } catch (const amp::AmpFailure &failure) {
        return record(failure.code, failure.what());
    } catch (const std::bad_alloc &) {
        return record(AMP_ERR_INTERNAL, "analysis: out of memory");
    } catch (const std::exception &error) {
        return record(AMP_ERR_INTERNAL, error.what());
    } catch (...) {
        return record(AMP_ERR_INTERNAL, "analysis: unknown failure");
    }
}

void require(const void *pointer, const char *name) {
    if (pointer == nullptr) fail(std::string("analysis argument \"") + name + "\" is NULL");
}

amp::analysis::LaneSet lane_set(const AmpAudioView *signal, const uint32_t *lanes,
                                uint32_t lane_count) {
    require(signal, "signal");
    amp::analysis::LaneSet set;
    set.data = signal->data;
    set.batches = signal->batches;
    set.channels = signal->channels;
    set.frames = signal->frames;
    set.lanes = lanes;
    set.count = lane_count;
    return set;
}

void check_window(uint32_t window, double kaiser_beta) {
    if (window >= amp::dsp::kWindowKindCount)
        fail("analysis option \"window\" expects a window code in [0, 5], got " +
             std::to_string(window));
    if (!(kaiser_beta >= 0.0 && kaiser_beta <= 50.0))
        fail("analysis option \"beta\" expects a finite number in [0, 50], got " +
             amp::format_number(kaiser_beta));
}

// Starts the plan's work meter for a frame-based call over the selected lanes (each lane's
// valid frames are one unit each).
void begin_frames(AmpAnalysisPlan *plan, const AmpAudioView *signal, uint32_t lane_count) {
    require(signal, "signal");
    plan->plan.work().begin(uint64_t{lane_count} * plan->plan.valid_frames(signal->frames),
                            "analysis", "analysis frames");
}

// The STFT's per-frame hook: one unit of the plan's work meter.
amp::dsp::FrameHook stft_hook(AmpAnalysisPlan *plan) {
    amp::dsp::FrameHook hook;
    if (!plan->plan.work().active()) return hook;
    hook.after_frame = [](void *user) { static_cast<amp::WorkMeter *>(user)->step(); };
    hook.user = &plan->plan.work();
    return hook;
}

amp::dsp::StftSetup &stft_setup(AmpAnalysisPlan *plan) {
    require(plan, "plan");
    if (!plan->stft) fail(plan->stft_error);
    return *plan->stft;
}

} // namespace

extern "C" {

int32_t amp_analysis_last_error(AmpErrorView *out_error) {
    if (out_error != nullptr) {
        out_error->code = t_last_error.code;
        out_error->stage = "analysis";
        out_error->node = "";
        out_error->detail = t_last_error.detail.c_str();
    }
    return t_last_error.code;
}

int32_t amp_analysis_window(uint32_t window, double kaiser_beta, uint32_t symmetric, uint32_t n,
                            double *out, AmpWindowGains *gains) {
    return guarded([&] {
        check_window(window, kaiser_beta);
        if (n < 1 || n > amp::analysis::kMaxSize)
            fail("analysis argument \"n\" expects an integer in [1, " +
                 std::to_string(amp::analysis::kMaxSize) + "], got " + std::to_string(n));
        require(out, "out");
        amp::dsp::fill_window(static_cast<amp::dsp::WindowKind>(window), kaiser_beta,
                              symmetric != 0, out, n);
        if (gains != nullptr) {
            const amp::dsp::WindowGains g = amp::dsp::window_gains(out, n);
            *gains = {g.coherent_gain, g.energy_gain, g.enbw_bins, g.scalloping_loss_db};
        }
    });
}

int32_t amp_analysis_plan_create(const AmpAnalysisConfig *config, AmpAnalysisPlan **out_plan) {
    return guarded([&] {
        require(config, "config");
        require(out_plan, "out_plan");
        *out_plan = nullptr;
        check_window(config->window, config->kaiser_beta);
        amp::analysis::PlanConfig c;
        c.sample_rate = config->sample_rate;
        c.size = config->size;
        c.hop = config->hop;
        c.window = static_cast<amp::dsp::WindowKind>(config->window);
        c.kaiser_beta = config->kaiser_beta;
        c.symmetric = config->symmetric != 0;
        c.scale = static_cast<amp::analysis::Scale>(config->scale);
        c.points = config->points;
        c.min_hz = config->min_hz;
        c.max_hz = config->max_hz;
        c.floor_db = config->floor_db;
        auto plan = std::make_unique<AmpAnalysisPlan>(c);
        if (c.hop > c.size) {
            plan->stft_error = "analysis option \"hop\" expects an integer in [1, " +
                               std::to_string(c.size) + "] (at most size) for an STFT, got " +
                               std::to_string(c.hop);
        } else {
            try {
                plan->stft =
                    std::make_unique<amp::dsp::StftSetup>(plan->plan.window(), c.size, c.hop);
                plan->stft_scratch.resize(plan->stft->scratch_doubles());
            } catch (const std::invalid_argument &error) {
                plan->stft_error = std::string("analysis option \"hop\" (") +
                                   std::to_string(c.hop) + " with a " +
                                   amp::dsp::window_name(c.window) + " window of " +
                                   std::to_string(c.size) + "): " + error.what();
            }
        }
        *out_plan = plan.release();
    });
}

void amp_analysis_plan_destroy(AmpAnalysisPlan *plan) { delete plan; }

int32_t amp_analysis_plan_set_work(AmpAnalysisPlan *plan, const AmpWorkOptions *work) {
    return guarded([&] {
        require(plan, "plan");
        plan->plan.work().set(work);
    });
}

int32_t amp_analysis_plan_describe(const AmpAnalysisPlan *plan, AmpAnalysisPlanInfo *out_info) {
    return guarded([&] {
        require(plan, "plan");
        require(out_info, "out_info");
        const amp::dsp::WindowGains &g = plan->plan.gains();
        out_info->bins = static_cast<uint32_t>(plan->plan.bins());
        out_info->points = static_cast<uint32_t>(plan->plan.points());
        out_info->bin_hz = plan->plan.bin_hz();
        out_info->gains = {g.coherent_gain, g.energy_gain, g.enbw_bins, g.scalloping_loss_db};
    });
}

int32_t amp_analysis_plan_frequencies(const AmpAnalysisPlan *plan, double *out, uint32_t capacity) {
    return guarded([&] {
        require(plan, "plan");
        require(out, "out");
        const std::size_t points = plan->plan.points();
        if (capacity < points)
            fail("analysis argument \"capacity\" expects at least " + std::to_string(points) +
                 ", got " + std::to_string(capacity));
        for (std::size_t r = 0; r < points; ++r) out[r] = plan->plan.frequencies()[r];
    });
}

uint64_t amp_analysis_plan_frames(const AmpAnalysisPlan *plan, uint64_t signal_frames) {
    return plan != nullptr ? plan->plan.valid_frames(signal_frames) : 0;
}

int32_t amp_analysis_spectrum(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                              const uint32_t *lanes, uint32_t lane_count, double *power_db,
                              double *psd_db, uint64_t *segments) {
    return guarded([&] {
        require(plan, "plan");
        begin_frames(plan, signal, lane_count);
        require(power_db, "power_db");
        require(psd_db, "psd_db");
        const uint64_t count = amp::analysis::spectrum(
            plan->plan, lane_set(signal, lanes, lane_count), power_db, psd_db);
        if (segments != nullptr) *segments = count;
    });
}

int32_t amp_analysis_centroid(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                              const uint32_t *lanes, uint32_t lane_count, double *centroid_hz) {
    return guarded([&] {
        require(plan, "plan");
        begin_frames(plan, signal, lane_count);
        require(centroid_hz, "centroid_hz");
        amp::analysis::centroid(plan->plan, lane_set(signal, lanes, lane_count), centroid_hz);
    });
}

int32_t amp_analysis_peaks(AmpAnalysisPlan *plan, const AmpAudioView *signal, const uint32_t *lanes,
                           uint32_t lane_count, uint32_t max_peaks, double min_db,
                           double *frequency_hz, double *bin, double *level_db, uint32_t *found) {
    return guarded([&] {
        require(plan, "plan");
        begin_frames(plan, signal, lane_count);
        require(frequency_hz, "frequency_hz");
        require(bin, "bin");
        require(level_db, "level_db");
        require(found, "found");
        amp::analysis::peaks(plan->plan, lane_set(signal, lanes, lane_count), max_peaks, min_db,
                             frequency_hz, bin, level_db, found);
    });
}

int32_t amp_analysis_spectrogram(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                                 const uint32_t *lanes, uint32_t lane_count, uint32_t columns,
                                 double *db, double *times, double *db_range) {
    return guarded([&] {
        require(plan, "plan");
        begin_frames(plan, signal, lane_count);
        require(db, "db");
        require(times, "times");
        double range[2];
        amp::analysis::spectrogram(plan->plan, lane_set(signal, lanes, lane_count), columns, db,
                                   times, range);
        if (db_range != nullptr) {
            db_range[0] = range[0];
            db_range[1] = range[1];
        }
    });
}

int32_t amp_analysis_band_energy(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                                 const uint32_t *lanes, uint32_t lane_count, const double *bands,
                                 uint32_t band_count, double *energy, double *level_db,
                                 double *times) {
    return guarded([&] {
        require(plan, "plan");
        begin_frames(plan, signal, lane_count);
        require(energy, "energy");
        require(level_db, "level_db");
        require(times, "times");
        amp::analysis::band_energy(plan->plan, lane_set(signal, lanes, lane_count), bands,
                                   band_count, energy, level_db, times);
    });
}

int32_t amp_analysis_envelope(const AmpAudioView *signal, const uint32_t *lanes,
                              uint32_t lane_count, uint64_t start, uint64_t end, uint32_t columns,
                              double *min, double *max, double *rms, uint32_t *non_finite) {
    return guarded([&] {
        require(min, "min");
        require(max, "max");
        require(rms, "rms");
        require(non_finite, "non_finite");
        amp::analysis::envelope(lane_set(signal, lanes, lane_count), start, end, columns, min, max,
                                rms, non_finite);
    });
}

int32_t amp_analysis_levels(const AmpAudioView *signal, double *peak, double *rms, double *dc,
                            double *crest, double *crest_db) {
    return guarded([&] {
        require(signal, "signal");
        require(peak, "peak");
        require(rms, "rms");
        if (signal->data == nullptr && signal->frames > 0) require(nullptr, "signal.data");
        amp::analysis::levels(signal->data, uint64_t{signal->batches} * signal->channels,
                              signal->frames, peak, rms, dc, crest, crest_db);
    });
}

uint64_t amp_analysis_stft_frames(uint64_t signal_frames, uint32_t size, uint32_t hop) {
    if (size < 2 || hop < 1 || hop > size) return 0;
    return amp::dsp::stft_frame_count(signal_frames, size, hop);
}

int32_t amp_analysis_stft(AmpAnalysisPlan *plan, const double *samples, uint64_t frames,
                          double *out, uint64_t out_len) {
    return guarded([&] {
        amp::dsp::StftSetup &setup = stft_setup(plan);
        if (frames == 0)
            fail("analysis argument \"samples\" expects a signal of at least 1 frame, got 0 "
                 "frames");
        require(samples, "samples");
        require(out, "out");
        const uint64_t expected =
            amp::dsp::stft_frame_count(frames, setup.size(), setup.hop()) * 2 * setup.bins();
        if (out_len != expected)
            fail("analysis argument \"out_len\" expects " + std::to_string(expected) +
                 " doubles (stft frames x bins x 2), got " + std::to_string(out_len));
        amp::analysis::LaneSet set;
        const uint32_t lane = 0;
        set.data = samples;
        set.batches = set.channels = 1;
        set.frames = frames;
        set.lanes = &lane;
        set.count = 1;
        amp::analysis::check_finite(set);
        plan->plan.work().begin(amp::dsp::stft_frame_count(frames, setup.size(), setup.hop()),
                                "analysis", "STFT frames");
        amp::dsp::stft_forward(setup, samples, frames, out, plan->stft_scratch.data(),
                               stft_hook(plan));
    });
}

int32_t amp_analysis_istft(AmpAnalysisPlan *plan, const double *spectra, uint64_t stft_frames,
                           double *out, uint64_t frames) {
    return guarded([&] {
        amp::dsp::StftSetup &setup = stft_setup(plan);
        require(spectra, "spectra");
        require(out, "out");
        if (frames == 0 ||
            amp::dsp::stft_frame_count(frames, setup.size(), setup.hop()) > stft_frames)
            fail("analysis argument \"frames\" expects a signal length whose STFT has at most " +
                 std::to_string(stft_frames) + " frames (size " + std::to_string(setup.size()) +
                 ", hop " + std::to_string(setup.hop()) + "), got " + std::to_string(frames));
        plan->plan.work().begin(stft_frames, "analysis", "STFT frames");
        amp::dsp::stft_inverse(setup, spectra, stft_frames, out, frames, plan->stft_scratch.data(),
                               stft_hook(plan));
    });
}

} // extern "C"
