// rational_stage.cpp: see rational_stage.h.
#include "dsp/resample/rational_stage.h"

#include <algorithm>
#include <cstring>

#include "dsp/resample/decimator.h"

namespace amp::dsp::resample {

void RationalStage::prepare(uint32_t up, uint32_t down, const std::vector<double> &taps,
                            double gain, int64_t first_input, size_t lanes, uint32_t max_lag) {
    L_ = up;
    M_ = down;
    W_ = static_cast<int64_t>(taps.size() / 2);
    first_input_ = first_input;
    // First m with m M + W >= i0 L.
    first_output_ = -floor_div(W_ - first_input * L_, M_);
    branch_ = static_cast<uint32_t>((2 * W_ + 1 + L_ - 1) / L_);
    capacity_ = branch_ + max_lag;
    // Branch p (p = (m M + W) - i_hi L in [0, L)) pairs x[i_hi - t] with h index p + t L;
    // stored reversed (oldest input first) so it lines up with the ring's window.
    branches_.assign(static_cast<size_t>(L_) * branch_, 0.0);
    for (int64_t p = 0; p < L_; ++p)
        for (int64_t t = 0; t < branch_; ++t) {
            const int64_t k = p + t * L_;
            if (k <= 2 * W_)
                branches_[static_cast<size_t>(p * branch_ + (branch_ - 1 - t))] =
                    gain * taps[static_cast<size_t>(k)];
        }
    lanes_.assign(lanes, Lane{});
    history_.assign(lanes * 2 * capacity_, 0.0);
    reset();
}

void RationalStage::reset() noexcept {
    for (Lane &lane : lanes_) lane = Lane{first_input_, first_output_, 0};
    std::fill(history_.begin(), history_.end(), 0.0);
}

void RationalStage::push(size_t lane, double x) noexcept {
    Lane &state = lanes_[lane];
    double *ring = history_.data() + lane * 2 * capacity_;
    ring[state.write] = x;
    ring[state.write + capacity_] = x;
    state.write = state.write + 1 == capacity_ ? 0 : state.write + 1;
    ++state.next_in;
}

bool RationalStage::ready(size_t lane) const noexcept {
    const Lane &state = lanes_[lane];
    const int64_t last_needed = floor_div(state.next_out * M_ + W_, L_);
    return last_needed < state.next_in;
}

double RationalStage::pull(size_t lane) noexcept {
    Lane &state = lanes_[lane];
    const int64_t position = state.next_out * M_ + W_;
    const int64_t newest_needed = floor_div(position, L_);
    const int64_t p = position - newest_needed * L_;
    // The window: branch_ inputs ending `back` inputs before the newest (ring position
    // write - 1), oldest first, contiguous thanks to the mirrored copy.
    const int64_t back = state.next_in - 1 - newest_needed; // in [0, capacity - branch]
    int64_t start = static_cast<int64_t>(state.write) - back - branch_;
    while (start < 0) start += capacity_;
    const double *x = history_.data() + lane * 2 * capacity_ + start;
    ++state.next_out;
    return dot(branches_.data() + static_cast<size_t>(p) * branch_, x, branch_);
}

size_t RationalStage::state_bytes() const {
    return lanes_.size() * sizeof(Lane) + history_.size() * sizeof(double);
}

unsigned char *RationalStage::save(unsigned char *to) const noexcept {
    std::memcpy(to, lanes_.data(), lanes_.size() * sizeof(Lane));
    to += lanes_.size() * sizeof(Lane);
    std::memcpy(to, history_.data(), history_.size() * sizeof(double));
    return to + history_.size() * sizeof(double);
}

const unsigned char *RationalStage::load(const unsigned char *from) noexcept {
    std::memcpy(lanes_.data(), from, lanes_.size() * sizeof(Lane));
    from += lanes_.size() * sizeof(Lane);
    std::memcpy(history_.data(), from, history_.size() * sizeof(double));
    return from + history_.size() * sizeof(double);
}

} // namespace amp::dsp::resample
