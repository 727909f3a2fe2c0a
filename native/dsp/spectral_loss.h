// spectral_loss.h: the L2 distance between STFT magnitudes of a signal and a target, with its
// exact gradient with respect to the signal (the output gradient of a backward pass).
//
// Framing as the STFT of stft.h: a lane of n samples is preceded by P = size - hop zeros and
// cut into M = stft_frame_count(n, size, hop) frames, frame m reading samples m hop - P + j,
// j < size (zeros outside [0, n)), times the window w[j], through the real FFT of `size` points:
// Y[m][k], k = 0 .. size / 2. With the target's T[m][k] likewise, over L lanes,
//   loss = sum_{lane, m, k} (|Y[m][k]| - |T[m][k]|)^2 / (L M (size / 2 + 1)).
// Gradient: with a = 2 (|Y| - |T|) / (L M K) and u = Y / |Y| (0 where |Y| = 0, a subgradient),
//   dloss/dx[m hop - P + j] += w[j] sum_k a[k] Re(u[k] exp(2 pi i j k / size)),
// the half-spectrum sum computed by the inverse real FFT (bins 1 .. size/2 - 1 halved, times
// size). Sums run lane by lane, frame by frame, bin by bin in order (deterministic).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "dsp/fft/fft.h"
#include "dsp/window.h"

namespace amp::dsp {

class SpectralL2 {
  public:
    // Allocates the window, the FFT plan and the scratch (size >= 2, hop in [1, size]).
    SpectralL2(std::size_t size, std::size_t hop, WindowKind window, double kaiser_beta);

    std::size_t size() const { return size_; }
    std::size_t hop() const { return hop_; }
    // The loss over `lanes` planar lanes of `frames` samples each (frames >= 1); `gradient`
    // (lanes x frames, may be null) is overwritten with dloss/dy. No allocation.
    double evaluate(const double *y, const double *target, std::size_t lanes, std::size_t frames,
                    double *gradient);

  private:
    // The windowed frame m of x (n samples) into frame_, transformed into `spectrum`.
    void transform(const double *x, std::size_t n, std::size_t m, double *spectrum);

    std::size_t size_, hop_;
    std::vector<double> window_;
    std::shared_ptr<const FftPlan> plan_;
    std::vector<double> frame_, spectrum_y_, spectrum_t_, back_, scratch_;
};

} // namespace amp::dsp
