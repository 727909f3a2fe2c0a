// decimator.h: integer-factor polyphase decimation by a linear-phase FIR (the oscillator's).
//
// Each output frame n takes `factor` new high-rate samples x[n F .. n F + F - 1] and returns
// y[n] = sum_k h[k] x[n F + F - 1 - k], k = 0 .. 2W, with h the prototype of prototype.h for
// P = F (W = K x F): only the kept outputs are computed. Its group delay is W / F = K output
// frames exactly. High-rate samples before the stream start are 0. Streaming per lane, block
// invariant by construction (one frame at a time); prepare allocates, nothing else does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/resample/prototype.h"

namespace amp::dsp::resample {

// sum a[k] b[k] in a fixed order (four interleaved partial sums).
double dot(const double *a, const double *b, size_t n) noexcept;

class Decimator {
  public:
    // Allocates the taps and `lanes` histories. factor 1 is a pass-through (no delay).
    void prepare(Tier tier, uint32_t factor, size_t lanes);
    void reset() noexcept;
    uint32_t factor() const { return factor_; }
    uint32_t delay_frames() const; // K for factor > 1, else 0
    // Pushes `factor` high-rate samples of lane `lane` and returns the output frame.
    double process(size_t lane, const double *high) noexcept;

    // Snapshot: the histories and write positions, verbatim.
    size_t state_bytes() const;
    unsigned char *save(unsigned char *to) const noexcept;
    const unsigned char *load(const unsigned char *from) noexcept;
    // The last taps() high-rate samples of a lane, oldest first (the cache's alignment check).
    const double *window(size_t lane) const noexcept;
    size_t taps() const { return taps_.size(); }
    const double *coefficients() const { return taps_.data(); } // h, taps() values
    void set_window(size_t lane, const double *samples) noexcept;

  private:
    Tier tier_ = Tier::Fast;
    uint32_t factor_ = 1;
    std::vector<double> taps_;    // h, symmetric
    std::vector<double> history_; // per lane: 2 x taps mirrored ring
    std::vector<uint32_t> write_; // per lane: next write position in [0, taps)
};

// The decimator's adjoint (transpose), run over output frames from the last: frame n's
// gradient ybar[n] reaches the high-rate samples of its window, xbar[n F + F - 1 - k] +=
// h[k] ybar[n]; once frame n is taken, no earlier frame reaches samples n F .. n F + F - 1,
// so their gradients are final and handed out. Samples after the last frame taken (and frames
// after the span) get nothing. The filter is the Decimator's own (coefficients()). Per lane a
// window of taps() pending gradients; prepare allocates, nothing else does.
class DecimatorAdjoint {
  public:
    void prepare(const Decimator &decimator, size_t lanes);
    void reset() noexcept; // "after the end": nothing pending
    // Takes output frame n's gradient `ybar` (frames in decreasing order) and writes the
    // gradients of its `factor` high-rate samples, oldest first, to `high_bar`.
    void step(size_t lane, double ybar, double *high_bar) noexcept;

  private:
    const double *taps_ = nullptr;
    size_t n_ = 0;
    uint32_t factor_ = 1;
    std::vector<double> pending_; // per lane: n_ sample gradients, the window oldest first
};

} // namespace amp::dsp::resample
