// plan.h: everything an analysis call needs, made once: the window and its sums, the real FFT
// plan, the frequency axis (raw bins or resampled on a linear, log or mel scale) and scratch.
// Running an analysis with a plan allocates nothing. A plan runs one call at a time (its
// scratch is its own); make one plan per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dsp/fft/fft.h"
#include "dsp/window.h"
#include "runtime/work_meter.h"

namespace amp::analysis {

// Frequency axis of a plan's outputs.
enum class Scale : uint32_t { Bins = 0, Linear = 1, Log = 2, Mel = 3 };

struct PlanConfig {
    double sample_rate = 48000.0; // Hz, > 0
    uint32_t size = 4096;         // frame (window, FFT) length, [2, kMaxSize]
    uint32_t hop = 2048;          // samples between frames, [1, kMaxSize]
    dsp::WindowKind window = dsp::WindowKind::Hann;
    double kaiser_beta = 8.6; // [0, 50]
    bool symmetric = false;
    Scale scale = Scale::Bins;
    uint32_t points = 0;               // resampled axis points, [2, kMaxPoints] (scale != Bins)
    double min_hz = 0.0, max_hz = 0.0; // resampled axis range (scale != Bins)
    double floor_db = -200.0;          // lowest dB value written, [-400, 0]
};

constexpr uint32_t kMaxSize = 1u << 24;
constexpr uint32_t kMaxPoints = 65536;

// How a resampled point reduces the bins within its span.
enum class Reduce { Max, Mean };

class Plan {
  public:
    // Validates the config (throws amp::AmpFailure naming the field and its range) and
    // allocates everything.
    explicit Plan(const PlanConfig &config);

    const PlanConfig &config() const { return config_; }
    std::size_t size() const { return config_.size; }
    std::size_t hop() const { return config_.hop; }
    std::size_t bins() const { return config_.size / 2 + 1; }
    double bin_hz() const { return config_.sample_rate / config_.size; }
    // Points of the output frequency axis: bins() or config.points.
    std::size_t points() const { return frequencies_.size(); }
    const double *frequencies() const { return frequencies_.data(); }
    const double *window() const { return window_.data(); }
    const dsp::WindowGains &gains() const { return gains_; }
    double window_sum() const { return s1_; }        // sum(w)
    double window_square_sum() const { return s2_; } // sum(w^2)

    // Frames that fit inside `frames` samples without padding: 1 + floor((frames - size) / hop)
    // (0 when frames < size).
    uint64_t valid_frames(uint64_t frames) const;

    // |X_k|^2 of the windowed frame starting at x (size samples) into power (bins values).
    // Each frame is one unit of work() (progress, cancel) when the host set work options.
    void frame_power(const double *x, double *power);

    // Progress and cancel of the plan's calls (amp_analysis_plan_set_work).
    WorkMeter &work() { return work_; }

    // Maps bin values (bins()) onto the output axis (points()): Bins copies; a resampled point
    // reduces the bins within its span (max or mean), or interpolates linearly between the two
    // nearest bins when none is inside.
    void map_to_points(const double *bin_values, double *out, Reduce reduce) const;

    // 10 log10(value), floored at config.floor_db (0 and negative values read the floor).
    double to_db(double value) const;

    // Bins-sized scratch arrays for the analysis functions.
    double *scratch_a() { return scratch_a_.data(); }
    double *scratch_b() { return scratch_b_.data(); }

  private:
    PlanConfig config_;
    std::vector<double> window_;
    dsp::WindowGains gains_{};
    double s1_ = 0.0, s2_ = 0.0;
    std::shared_ptr<const dsp::FftPlan> fft_;
    std::vector<double> frame_, spectrum_, fft_scratch_, scratch_a_, scratch_b_;
    std::vector<double> frequencies_;
    std::vector<uint32_t> span_begin_, span_end_; // bins [begin, end) of each resampled point
    WorkMeter work_;
};

// One-sided factor of bin k: 1 at DC and (even size) Nyquist, 2 elsewhere.
inline double one_sided_factor(std::size_t k, std::size_t size) {
    return (k == 0 || 2 * k == size) ? 1.0 : 2.0;
}

} // namespace amp::analysis
