// oscillator_cache.h: the oscillator's periodicity cache (params_json "cache": true).
//
// While a wave lane's parameter values stay the same (frequency, amplitude, pan, phase_offset,
// pulse_width and reset, compared bit for bit frame by frame), its output is periodic once the
// lane's whole state repeats. The modular phase (dsp/modular_phase.h) advances os x inc per
// frame modulo N, so it repeats after exactly P = N / gcd(os x inc, N) frames. Once the run of
// equal values is long enough for the decimator's window to hold only samples of the run, the
// cache records P frames (outputs, the internal samples, and each frame's phase and mode
// state), then compares the lane's state after them (phase, integrator / follower state and the
// decimator windows) with the state before: equal bits mean every later frame repeats the
// recorded ones exactly, and they are replayed from the cache without rendering. A value
// change ends the replay: the state at the current offset in the period (phase, mode state,
// windows rebuilt from the recorded internal samples) is restored and rendering resumes, so the
// output is bit-identical with the cache on and off. A state that did not repeat (e.g. an
// integrator still settling) records the next period; a period longer than `cache_frames` is
// never cached until the values change. prepare allocates everything; nothing else does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/resample/decimator.h"

namespace amp::oscillator {

constexpr uint32_t kKeyValues = 6; // the parameter values one frame is rendered from

// One wave lane's state that the cache restores.
struct LaneState {
    uint64_t phase = 0;
    double state = 0.0;
};

class PeriodCache {
  public:
    // lanes: wave lanes; per_lane: output channels per wave lane; capacity: cache_frames.
    void prepare(size_t lanes, uint32_t per_lane, uint32_t oversample, uint32_t capacity,
                 const dsp::resample::Decimator &decimator);
    void reset() noexcept;

    // Before frame rendering. Returns true when the frame was served from the cache (its
    // outputs written to out[0 .. per_lane)); otherwise the caller renders the frame and calls
    // after(). May restore `lane_state` and the lane's decimator windows (leaving a replay).
    bool before(size_t lane, const double *key, uint64_t frame_step, uint64_t cycle,
                LaneState &lane_state, dsp::resample::Decimator &decimator, double *out) noexcept;
    // After rendering a frame: `start` is the lane state before it, `high[c]` its internal
    // samples and out[c] its outputs per output channel c.
    void after(size_t lane, const LaneState &start, const LaneState &end, const double *const *high,
               const double *out, const dsp::resample::Decimator &decimator) noexcept;

    size_t state_bytes() const;
    unsigned char *save(unsigned char *to) const noexcept;
    const unsigned char *load(const unsigned char *from) noexcept;
    // The lane state at the start of the frame before() just served (a recorded render reads
    // the phase there).
    const LaneState &served_start(size_t lane) const noexcept {
        const Lane &s = lanes_[lane];
        return starts_[lane * capacity_ + (s.position == 0 ? s.period - 1 : s.position - 1)];
    }
    // Frames served from the cache since prepare / reset (telemetry and tests).
    uint64_t replayed_frames() const { return replayed_; }

  private:
    enum Status : uint32_t { Watching, Recording, Replaying, Aperiodic };
    // Saved byte for byte by snapshots: the padding is spelled out (and zero) so that the same
    // state always saves the same bytes.
    struct Lane {
        Status status = Watching;
        uint32_t unused = 0;
        double key[kKeyValues] = {};
        uint64_t run = 0;      // frames already rendered with these values
        uint64_t period = 0;   // P, frames
        uint64_t position = 0; // frames recorded, or the replay offset
    };
    static_assert(sizeof(Lane) == 8 + 8 * kKeyValues + 24,
                  "Lane has padding a snapshot would save unset");
    size_t out_lane(size_t lane, uint32_t c) const { return lane * per_lane_ + c; }
    void restore(size_t lane, LaneState &lane_state, dsp::resample::Decimator &decimator) noexcept;

    uint32_t per_lane_ = 1, oversample_ = 1, capacity_ = 0;
    size_t taps_ = 0;   // decimator window length (0: no decimator)
    size_t warmup_ = 1; // frames of equal values before recording starts
    std::vector<Lane> lanes_;
    std::vector<LaneState> starts_; // per lane x capacity: state at each recorded frame's start
    std::vector<double> outputs_;   // per output lane x capacity
    std::vector<double> high_;      // per output lane x capacity x oversample
    std::vector<double> windows_;   // per output lane x taps: the windows at the recording start
    std::vector<double> scratch_;   // taps
    uint64_t replayed_ = 0;
};

} // namespace amp::oscillator
