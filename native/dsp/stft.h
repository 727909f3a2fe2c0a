// stft.h: short-time Fourier transform and its inverse by weighted overlap-add (WOLA), in one
// call over a whole signal or streamed sample by sample (block-invariant).
//
// Frame-count rule: a signal of n samples is preceded by P = size - hop zeros (and followed by
// zeros); frame m covers samples [m hop - P, m hop - P + size) for m = 0 .. M - 1 with
//     M = floor((n - 1 + P) / hop) + 1   (M = 0 for n = 0).
// Every sample is then covered by every frame that would cover it in an infinite stream. Each
// frame is multiplied by the window w and transformed with the real FFT of `size` points (numpy
// conventions, interleaved complex, size / 2 + 1 bins). The inverse transforms each frame back,
// multiplies it by w again, overlap-adds, and divides sample t by the overlap-added square
// window d[(t + P) mod hop] = sum_{j = (t + P) mod hop (mod hop), j < size} w[j]^2, so
// istft(stft(x)) = x to rounding whenever d never vanishes (checked when the setup is made).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dsp/fft/fft.h"

namespace amp::dsp {

// M of the frame-count rule above.
std::size_t stft_frame_count(std::size_t n, std::size_t size, std::size_t hop);

// The window, FFT plan and overlap-added square window of one (size, hop) pair; immutable.
class StftSetup {
  public:
    // Copies the window (size >= 2 values); hop in [1, size]. Throws std::invalid_argument when
    // the overlap-added square window vanishes at some phase (the inverse would divide by 0).
    StftSetup(const double *window, std::size_t size, std::size_t hop);

    std::size_t size() const { return size_; }
    std::size_t hop() const { return hop_; }
    std::size_t bins() const { return size_ / 2 + 1; }
    std::size_t padding() const { return size_ - hop_; }
    const double *window() const { return window_.data(); }
    const double *overlap_square() const { return overlap_square_.data(); }
    const FftPlan &plan() const { return *plan_; }
    // Doubles of scratch the batch functions below need.
    std::size_t scratch_doubles() const { return size_ + plan_->scratch_doubles(); }

  private:
    std::size_t size_, hop_;
    std::vector<double> window_, overlap_square_;
    std::shared_ptr<const FftPlan> plan_;
};

// Called after each frame of a batch transform (e.g. progress and cancel of a long call); it
// may throw to stop the transform.
struct FrameHook {
    void (*after_frame)(void *user) = nullptr;
    void *user = nullptr;
};

// Batch STFT of x (n samples): out holds stft_frame_count(n) x bins interleaved complex values.
// No allocation.
void stft_forward(const StftSetup &setup, const double *x, std::size_t n, double *out,
                  double *scratch, const FrameHook &hook = FrameHook{});

// Batch inverse of `frames` spectra (frames x bins interleaved) into y (n samples, n such that
// stft_frame_count(n) == frames or fewer samples of the same stream). No allocation.
void stft_inverse(const StftSetup &setup, const double *spectra, std::size_t frames, double *y,
                  std::size_t n, double *scratch, const FrameHook &hook = FrameHook{});

// Streaming STFT -> (spectral processing) -> inverse STFT, one lane. Every pushed input sample
// yields one output sample; the output is the batch inverse of the (processed) frames delayed by
// latency() = size - 1 samples (zeros before it), whatever the split of the input into calls
// (same bits). process() never allocates.
class StftStream {
  public:
    // Called once per frame with its spectrum (bins interleaved complex values), which it may
    // modify in place; frame_index counts frames from 0 since construction or reset.
    using FrameFn = void (*)(void *context, double *spectrum, std::size_t bins,
                             uint64_t frame_index);

    explicit StftStream(std::shared_ptr<const StftSetup> setup); // allocates everything
    std::size_t latency() const { return setup_->size() - 1; }
    // n samples in, n samples out (in and out may alias). fn may be null (identity).
    void process(const double *in, double *out, std::size_t n, FrameFn fn, void *context);
    void reset();
    // Snapshot: the stream's whole state as state_doubles() doubles (the rings, the overlap
    // accumulator and the counters), copied out and back verbatim; neither allocates.
    std::size_t state_doubles() const { return 2 * setup_->size() + 2 * setup_->hop() + 4; }
    void save_state(double *to) const;
    void load_state(const double *from);

  private:
    void run_frame(FrameFn fn, void *context);

    std::shared_ptr<const StftSetup> setup_;
    std::vector<double> input_, frame_, spectrum_, scratch_, overlap_, queue_;
    std::size_t fill_ = 0, queue_read_ = 0, queue_count_ = 0;
    uint64_t frame_index_ = 0;
};

} // namespace amp::dsp
