// oscillator_cache.cpp: see oscillator_cache.h.
#include "nodes/oscillator_cache.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "nodes/node_helpers.h"

namespace amp::oscillator {

void PeriodCache::prepare(size_t lanes, uint32_t per_lane, uint32_t oversample, uint32_t capacity,
                          const dsp::resample::Decimator &decimator) {
    per_lane_ = per_lane;
    oversample_ = oversample;
    capacity_ = capacity;
    taps_ = oversample > 1 ? decimator.taps() : 0;
    warmup_ = taps_ / oversample + 2;
    const size_t outs = lanes * per_lane;
    lanes_.assign(lanes, Lane{});
    starts_.assign(lanes * capacity, LaneState{});
    outputs_.assign(outs * capacity, 0.0);
    high_.assign(outs * capacity * oversample, 0.0);
    windows_.assign(outs * taps_, 0.0);
    scratch_.assign(taps_, 0.0);
    replayed_ = 0;
}

void PeriodCache::reset() noexcept {
    std::fill(lanes_.begin(), lanes_.end(), Lane{});
    replayed_ = 0;
}

bool PeriodCache::before(size_t lane, const double *key, uint64_t frame_step, uint64_t cycle,
                         LaneState &lane_state, dsp::resample::Decimator &decimator,
                         double *out) noexcept {
    Lane &s = lanes_[lane];
    bool same = s.run > 0;
    for (uint32_t i = 0; i < kKeyValues && same; ++i) same = key[i] == s.key[i];
    if (!same) {
        if (s.status == Replaying) restore(lane, lane_state, decimator);
        s.status = Watching;
        std::copy(key, key + kKeyValues, s.key);
        s.run = 0;
    }
    if (s.status == Replaying) {
        for (uint32_t c = 0; c < per_lane_; ++c)
            out[c] = outputs_[out_lane(lane, c) * capacity_ + s.position];
        s.position = s.position + 1 == s.period ? 0 : s.position + 1;
        ++s.run;
        ++replayed_;
        return true;
    }
    if (s.status == Watching && s.run >= warmup_) {
        const uint64_t g = std::gcd(frame_step, cycle);
        s.period = frame_step == 0 ? 1 : cycle / g;
        if (s.period > capacity_) {
            s.status = Aperiodic;
        } else {
            s.status = Recording;
            s.position = 0;
            for (uint32_t c = 0; c < per_lane_ && taps_ > 0; ++c)
                std::memcpy(windows_.data() + out_lane(lane, c) * taps_,
                            decimator.window(out_lane(lane, c)), taps_ * sizeof(double));
        }
    }
    return false;
}

void PeriodCache::after(size_t lane, const LaneState &start, const LaneState &end,
                        const double *const *high, const double *out,
                        const dsp::resample::Decimator &decimator) noexcept {
    Lane &s = lanes_[lane];
    ++s.run;
    if (s.status != Recording) return;
    const uint64_t r = s.position;
    starts_[lane * capacity_ + r] = start;
    for (uint32_t c = 0; c < per_lane_; ++c) {
        const size_t o = out_lane(lane, c);
        outputs_[o * capacity_ + r] = out[c];
        std::memcpy(high_.data() + (o * capacity_ + r) * oversample_, high[c],
                    oversample_ * sizeof(double));
    }
    if (++s.position < s.period) return;
    // One period recorded: replay only if the whole state repeats bit for bit.
    const LaneState &first = starts_[lane * capacity_];
    bool repeats =
        end.phase == first.phase && std::memcmp(&end.state, &first.state, sizeof(double)) == 0;
    for (uint32_t c = 0; c < per_lane_ && taps_ > 0 && repeats; ++c)
        repeats = std::memcmp(windows_.data() + out_lane(lane, c) * taps_,
                              decimator.window(out_lane(lane, c)), taps_ * sizeof(double)) == 0;
    // A state still settling (e.g. a leaky integrator) records the next period instead.
    s.status = repeats ? Replaying : Watching;
    s.position = 0;
}

void PeriodCache::restore(size_t lane, LaneState &lane_state,
                          dsp::resample::Decimator &decimator) noexcept {
    const Lane &s = lanes_[lane];
    lane_state = starts_[lane * capacity_ + s.position];
    if (taps_ == 0) return;
    // The window before frame `position`: the taps_ internal samples ending there, cyclic over
    // the recorded period (the state check proved the samples periodic from the window at the
    // recording start on).
    const size_t span = s.period * oversample_;
    const size_t end = s.position * oversample_;
    for (uint32_t c = 0; c < per_lane_; ++c) {
        const double *period = high_.data() + out_lane(lane, c) * capacity_ * oversample_;
        for (size_t k = 0; k < taps_; ++k) {
            const size_t back = taps_ - k; // 1 .. taps_ samples before `end`
            scratch_[k] = period[(end + span * (back / span + 1) - back) % span];
        }
        decimator.set_window(out_lane(lane, c), scratch_.data());
    }
}

size_t PeriodCache::state_bytes() const {
    return lanes_.size() * sizeof(Lane) + starts_.size() * sizeof(LaneState) +
           (outputs_.size() + high_.size() + windows_.size()) * sizeof(double) + sizeof(replayed_);
}

unsigned char *PeriodCache::save(unsigned char *to) const noexcept {
    to = save_values(to, lanes_.data(), lanes_.size());
    to = save_values(to, starts_.data(), starts_.size());
    to = save_values(to, outputs_.data(), outputs_.size());
    to = save_values(to, high_.data(), high_.size());
    to = save_values(to, windows_.data(), windows_.size());
    return save_values(to, &replayed_, 1);
}

const unsigned char *PeriodCache::load(const unsigned char *from) noexcept {
    from = load_values(from, lanes_.data(), lanes_.size());
    from = load_values(from, starts_.data(), starts_.size());
    from = load_values(from, outputs_.data(), outputs_.size());
    from = load_values(from, high_.data(), high_.size());
    from = load_values(from, windows_.data(), windows_.size());
    return load_values(from, &replayed_, 1);
}

} // namespace amp::oscillator
