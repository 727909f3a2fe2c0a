// spectral_loss.cpp: see spectral_loss.h.
#include "dsp/spectral_loss.h"

#include <cmath>

#include "dsp/stft.h"

namespace amp::dsp {

SpectralL2::SpectralL2(std::size_t size, std::size_t hop, WindowKind window, double kaiser_beta)
    : size_(size), hop_(hop), window_(size), plan_(FftPlan::real(size)), frame_(size),
      spectrum_y_(2 * (size / 2 + 1)), spectrum_t_(2 * (size / 2 + 1)), back_(size),
      scratch_(plan_->scratch_doubles()) {
    fill_window(window, kaiser_beta, false, window_.data(), size);
}

void SpectralL2::transform(const double *x, std::size_t n, std::size_t m, double *spectrum) {
    const std::size_t padding = size_ - hop_;
    for (std::size_t j = 0; j < size_; ++j) {
        const std::size_t shifted = m * hop_ + j; // sample index + padding
        frame_[j] =
            shifted >= padding && shifted - padding < n ? x[shifted - padding] * window_[j] : 0.0;
    }
    plan_->forward(frame_.data(), spectrum, scratch_.data());
}

double SpectralL2::evaluate(const double *y, const double *target, std::size_t lanes,
                            std::size_t frames, double *gradient) {
    const std::size_t bins = size_ / 2 + 1, padding = size_ - hop_;
    const std::size_t count = stft_frame_count(frames, size_, hop_);
    const double scale =
        1.0 / (static_cast<double>(lanes) * static_cast<double>(count) * static_cast<double>(bins));
    const bool even = size_ % 2 == 0;
    double total = 0.0;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
        const double *x = y + lane * frames, *t = target + lane * frames;
        double *dx = gradient != nullptr ? gradient + lane * frames : nullptr;
        if (dx != nullptr)
            for (std::size_t i = 0; i < frames; ++i) dx[i] = 0.0;
        for (std::size_t m = 0; m < count; ++m) {
            transform(x, frames, m, spectrum_y_.data());
            transform(t, frames, m, spectrum_t_.data());
            for (std::size_t k = 0; k < bins; ++k) {
                double &re = spectrum_y_[2 * k], &im = spectrum_y_[2 * k + 1];
                const double magnitude = std::hypot(re, im);
                const double error =
                    magnitude - std::hypot(spectrum_t_[2 * k], spectrum_t_[2 * k + 1]);
                total += error * error;
                // The inverse FFT's input: a u, halved where the full spectrum has the mirror.
                const double a = 2.0 * error * scale;
                const bool mirrored = k > 0 && !(even && k == bins - 1);
                const double factor =
                    magnitude > 0.0 ? a / magnitude * (mirrored ? 0.5 : 1.0) : 0.0;
                re *= factor;
                im *= factor;
            }
            if (dx == nullptr) continue;
            plan_->inverse(spectrum_y_.data(), back_.data(), scratch_.data());
            const double n = static_cast<double>(size_);
            for (std::size_t j = 0; j < size_; ++j) {
                const std::size_t shifted = m * hop_ + j;
                if (shifted >= padding && shifted - padding < frames)
                    dx[shifted - padding] += window_[j] * back_[j] * n;
            }
        }
    }
    return total * scale;
}

} // namespace amp::dsp
