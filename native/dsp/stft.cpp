// stft.cpp: see stft.h.
#include "dsp/stft.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace amp::dsp {

std::size_t stft_frame_count(std::size_t n, std::size_t size, std::size_t hop) {
    if (n == 0) return 0;
    return (n - 1 + (size - hop)) / hop + 1;
}

StftSetup::StftSetup(const double *window, std::size_t size, std::size_t hop)
    : size_(size), hop_(hop), window_(window, window + size), overlap_square_(hop, 0.0),
      plan_(FftPlan::real(size)) {
    if (size < 2 || hop < 1 || hop > size)
        throw std::invalid_argument("stft: hop must be in [1, size] and size >= 2");
    double largest = 0.0;
    for (std::size_t j = 0; j < size; ++j) overlap_square_[j % hop] += window_[j] * window_[j];
    for (double value : overlap_square_) largest = std::max(largest, value);
    for (double value : overlap_square_)
        if (!(value > 1e-12 * largest))
            throw std::invalid_argument("the overlap-added squared window vanishes at some "
                                        "sample: choose a smaller hop for this window");
}

void stft_forward(const StftSetup &setup, const double *x, std::size_t n, double *out,
                  double *scratch, const FrameHook &hook) {
    const std::size_t size = setup.size(), hop = setup.hop(), pad = setup.padding();
    const std::size_t frames = stft_frame_count(n, size, hop), bins = setup.bins();
    const double *w = setup.window();
    double *frame = scratch, *fft_scratch = scratch + size;
    for (std::size_t m = 0; m < frames; ++m) {
        // Sample index of frame position j is m hop - pad + j; outside [0, n) it is 0.
        const std::size_t origin = m * hop; // = (m hop - pad) + pad
        for (std::size_t j = 0; j < size; ++j) {
            const std::size_t shifted = origin + j; // sample index + pad
            frame[j] = (shifted >= pad && shifted - pad < n) ? x[shifted - pad] * w[j] : 0.0;
        }
        setup.plan().forward(frame, out + 2 * bins * m, fft_scratch);
        if (hook.after_frame != nullptr) hook.after_frame(hook.user);
    }
}

void stft_inverse(const StftSetup &setup, const double *spectra, std::size_t frames, double *y,
                  std::size_t n, double *scratch, const FrameHook &hook) {
    const std::size_t size = setup.size(), hop = setup.hop(), pad = setup.padding();
    const std::size_t bins = setup.bins();
    const double *w = setup.window(), *d = setup.overlap_square();
    double *frame = scratch, *fft_scratch = scratch + size;
    std::fill(y, y + n, 0.0);
    for (std::size_t m = 0; m < frames; ++m) {
        setup.plan().inverse(spectra + 2 * bins * m, frame, fft_scratch);
        const std::size_t origin = m * hop;
        for (std::size_t j = 0; j < size; ++j) {
            const std::size_t shifted = origin + j;
            if (shifted >= pad && shifted - pad < n) y[shifted - pad] += frame[j] * w[j];
        }
        if (hook.after_frame != nullptr) hook.after_frame(hook.user);
    }
    for (std::size_t t = 0; t < n; ++t) y[t] /= d[(t + pad) % hop];
}

StftStream::StftStream(std::shared_ptr<const StftSetup> setup)
    : setup_(std::move(setup)), input_(setup_->size()), frame_(setup_->size()),
      spectrum_(2 * setup_->bins()), scratch_(setup_->plan().scratch_doubles()),
      overlap_(setup_->size()), queue_(2 * setup_->hop()) {
    reset();
}

void StftStream::reset() {
    std::fill(input_.begin(), input_.end(), 0.0);
    std::fill(overlap_.begin(), overlap_.end(), 0.0);
    std::fill(queue_.begin(), queue_.end(), 0.0);
    fill_ = setup_->padding(); // the P leading zeros of the frame-count rule
    queue_read_ = 0;
    queue_count_ = setup_->hop() - 1; // latency size - 1 = P + (hop - 1)
    frame_index_ = 0;
}

void StftStream::save_state(double *to) const {
    to = std::copy(input_.begin(), input_.end(), to);
    to = std::copy(overlap_.begin(), overlap_.end(), to);
    to = std::copy(queue_.begin(), queue_.end(), to);
    to[0] = static_cast<double>(fill_);
    to[1] = static_cast<double>(queue_read_);
    to[2] = static_cast<double>(queue_count_);
    to[3] = static_cast<double>(frame_index_); // exact below 2^53 frames
}

void StftStream::load_state(const double *from) {
    std::copy(from, from + input_.size(), input_.begin());
    from += input_.size();
    std::copy(from, from + overlap_.size(), overlap_.begin());
    from += overlap_.size();
    std::copy(from, from + queue_.size(), queue_.begin());
    from += queue_.size();
    fill_ = static_cast<std::size_t>(from[0]);
    queue_read_ = static_cast<std::size_t>(from[1]);
    queue_count_ = static_cast<std::size_t>(from[2]);
    frame_index_ = static_cast<uint64_t>(from[3]);
}

void StftStream::process(const double *in, double *out, std::size_t n, FrameFn fn, void *context) {
    const std::size_t size = setup_->size(), hop = setup_->hop(), capacity = queue_.size();
    for (std::size_t i = 0; i < n; ++i) {
        input_[fill_++] = in[i]; // read before out[i] is written (in and out may alias)
        if (fill_ == size) {
            run_frame(fn, context);
            std::memmove(input_.data(), input_.data() + hop, (size - hop) * sizeof(double));
            fill_ = size - hop;
        }
        out[i] = queue_[queue_read_];
        queue_read_ = (queue_read_ + 1) % capacity;
        --queue_count_;
    }
}

void StftStream::run_frame(FrameFn fn, void *context) {
    const std::size_t size = setup_->size(), hop = setup_->hop(), bins = setup_->bins();
    const double *w = setup_->window(), *d = setup_->overlap_square();
    for (std::size_t j = 0; j < size; ++j) frame_[j] = input_[j] * w[j];
    setup_->plan().forward(frame_.data(), spectrum_.data(), scratch_.data());
    if (fn != nullptr) fn(context, spectrum_.data(), bins, frame_index_);
    ++frame_index_;
    setup_->plan().inverse(spectrum_.data(), frame_.data(), scratch_.data());
    for (std::size_t j = 0; j < size; ++j) overlap_[j] += frame_[j] * w[j];
    // The first hop samples of the accumulator have received every frame: they are final.
    const std::size_t capacity = queue_.size();
    for (std::size_t j = 0; j < hop; ++j) {
        queue_[(queue_read_ + queue_count_) % capacity] = overlap_[j] / d[j];
        ++queue_count_;
    }
    std::memmove(overlap_.data(), overlap_.data() + hop, (size - hop) * sizeof(double));
    std::fill(overlap_.begin() + static_cast<std::ptrdiff_t>(size - hop), overlap_.end(), 0.0);
}

} // namespace amp::dsp
