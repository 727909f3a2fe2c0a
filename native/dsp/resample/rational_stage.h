// rational_stage.h: one streaming polyphase rate change by L / M (coprime), any direction.
//
// With input x[i] (i >= i0; earlier inputs are 0) at rate Fin and the prototype h of
// prototype.h at Fh = L Fin (half-length W, centred taps h[k], |k| <= W), output m is
//     y[m] = gain * sum_i x[i] h[m M - i L],
// the ideal non-causal conversion (gain L restores the level of zero-stuffed input). Output m
// is computed as soon as its last input x[floor((m M + W) / L)] has arrived, from the
// polyphase branch (m M + W) mod L: about (2W + 1) / L taps per output. Outputs start at the
// first m whose value can be non-zero, m M + W >= i0 L. Streaming per lane: a caller may let
// outputs wait while it pushes up to `max_lag` more inputs; prepare allocates, nothing else does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/resample/prototype.h"

namespace amp::dsp::resample {

// floor(a / b) for b > 0.
inline int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

class RationalStage {
  public:
    // `taps` are the prototype's 2W + 1 taps; `first_input` is i0. Allocates.
    void prepare(uint32_t up, uint32_t down, const std::vector<double> &taps, double gain,
                 int64_t first_input, size_t lanes, uint32_t max_lag);
    void reset() noexcept;
    void push(size_t lane, double x) noexcept;
    // True when the next output's inputs have all arrived.
    bool ready(size_t lane) const noexcept;
    // Index m of the next output of a lane.
    int64_t next_output(size_t lane) const noexcept { return lanes_[lane].next_out; }
    int64_t first_output() const { return first_output_; }
    double pull(size_t lane) noexcept;

    size_t state_bytes() const;
    unsigned char *save(unsigned char *to) const noexcept;
    const unsigned char *load(const unsigned char *from) noexcept;

  private:
    struct Lane {
        int64_t next_in;  // index of the next input pushed
        int64_t next_out; // index of the next output
        uint32_t write;   // ring position of the next input
    };
    int64_t L_ = 1, M_ = 1, W_ = 0;
    int64_t first_input_ = 0, first_output_ = 0;
    uint32_t branch_ = 1;          // taps per polyphase branch
    uint32_t capacity_ = 1;        // inputs kept per lane: branch_ + max_lag
    std::vector<double> branches_; // branch p: taps h[p + t L - W], t = 0, 1, ... padded
    std::vector<Lane> lanes_;
    std::vector<double> history_; // per lane: 2 x capacity mirrored ring, newest last
};

} // namespace amp::dsp::resample
