// decimator.cpp: see decimator.h.
#include "dsp/resample/decimator.h"

#include <algorithm>
#include <cstring>

namespace amp::dsp::resample {

double dot(const double *a, const double *b, size_t n) noexcept {
    // Four partial sums in a fixed order (vectorisable, the same bits on every run).
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
        s2 += a[k + 2] * b[k + 2];
        s3 += a[k + 3] * b[k + 3];
    }
    for (; k < n; ++k) s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}

void Decimator::prepare(Tier tier, uint32_t factor, size_t lanes) {
    tier_ = tier;
    factor_ = factor;
    if (factor <= 1) {
        taps_.assign(1, 1.0);
    } else {
        taps_ = design(tier, factor, half_length(tier, factor));
    }
    history_.assign(lanes * 2 * taps_.size(), 0.0);
    write_.assign(lanes, 0);
}

void Decimator::reset() noexcept {
    std::fill(history_.begin(), history_.end(), 0.0);
    std::fill(write_.begin(), write_.end(), 0u);
}

uint32_t Decimator::delay_frames() const { return factor_ > 1 ? tier_spec(tier_).half_periods : 0; }

double Decimator::process(size_t lane, const double *high) noexcept {
    const size_t n = taps_.size();
    double *ring = history_.data() + lane * 2 * n;
    uint32_t w = write_[lane];
    for (uint32_t r = 0; r < factor_; ++r) {
        ring[w] = high[r];
        ring[w + n] = high[r];
        w = w + 1 == n ? 0 : w + 1;
    }
    write_[lane] = w;
    // ring[w .. w + n) holds the last n samples, oldest first; h is symmetric.
    const double *x = ring + w;
    const double *h = taps_.data();
    return dot(h, x, n);
}

size_t Decimator::state_bytes() const {
    return history_.size() * sizeof(double) + write_.size() * sizeof(uint32_t);
}

unsigned char *Decimator::save(unsigned char *to) const noexcept {
    std::memcpy(to, history_.data(), history_.size() * sizeof(double));
    to += history_.size() * sizeof(double);
    std::memcpy(to, write_.data(), write_.size() * sizeof(uint32_t));
    return to + write_.size() * sizeof(uint32_t);
}

const unsigned char *Decimator::load(const unsigned char *from) noexcept {
    std::memcpy(history_.data(), from, history_.size() * sizeof(double));
    from += history_.size() * sizeof(double);
    std::memcpy(write_.data(), from, write_.size() * sizeof(uint32_t));
    return from + write_.size() * sizeof(uint32_t);
}

const double *Decimator::window(size_t lane) const noexcept {
    return history_.data() + lane * 2 * taps_.size() + write_[lane];
}

void Decimator::set_window(size_t lane, const double *samples) noexcept {
    const size_t n = taps_.size();
    double *ring = history_.data() + lane * 2 * n;
    std::memcpy(ring, samples, n * sizeof(double));
    std::memcpy(ring + n, samples, n * sizeof(double));
    write_[lane] = 0;
}

void DecimatorAdjoint::prepare(const Decimator &decimator, size_t lanes) {
    taps_ = decimator.coefficients();
    n_ = decimator.taps();
    factor_ = decimator.factor();
    pending_.assign(lanes * n_, 0.0);
}

void DecimatorAdjoint::reset() noexcept { std::fill(pending_.begin(), pending_.end(), 0.0); }

void DecimatorAdjoint::step(size_t lane, double ybar, double *high_bar) noexcept {
    double *window = pending_.data() + lane * n_;
    for (size_t k = 0; k < n_; ++k)
        window[k] += taps_[k] * ybar; // process(): y = sum_k h[k] window[k]
    const size_t f = factor_;
    for (size_t r = 0; r < f; ++r) high_bar[r] = window[n_ - f + r];
    // Move one frame back: the window of frame n - 1 ends F samples earlier.
    std::memmove(window + f, window, (n_ - f) * sizeof(double));
    std::fill(window, window + f, 0.0);
}

} // namespace amp::dsp::resample
