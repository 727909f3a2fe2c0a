// direct_dft.cpp: see direct_dft.h.
#include "dsp/direct_dft.h"

#include "dsp/fft/twiddle.h"

namespace amp::dsp {

DirectRealDft::DirectRealDft(std::size_t n) : n_(n), cos_(n), sin_(n) {
    for (std::size_t t = 0; t < n; ++t) fft::unit_root(t, n, &cos_[t], &sin_[t]);
}

void DirectRealDft::forward(const double *in, double *out) const {
    const std::size_t bins = n_ / 2 + 1;
    for (std::size_t k = 0; k < bins; ++k) {
        double re = 0.0, im = 0.0;
        std::size_t t = 0; // j k mod n
        for (std::size_t j = 0; j < n_; ++j) {
            re += in[j] * cos_[t];
            im += in[j] * sin_[t];
            t += k;
            if (t >= n_) t -= n_;
        }
        out[2 * k] = re;
        out[2 * k + 1] = im;
    }
}

void DirectRealDft::inverse(const double *in, double *out) const {
    const std::size_t bins = n_ / 2 + 1;
    const bool even = n_ % 2 == 0;
    const double scale = 1.0 / static_cast<double>(n_);
    for (std::size_t j = 0; j < n_; ++j) {
        // Re(X_k exp(+2 pi i j k / n)) = re cos + im sin with exp(-i a) = cos_ + i sin_.
        double sum = in[0];
        std::size_t t = j; // j k mod n for k = 1
        for (std::size_t k = 1; k < bins; ++k) {
            const double term = in[2 * k] * cos_[t] + in[2 * k + 1] * sin_[t];
            sum += (even && k == bins - 1) ? in[2 * k] * cos_[t] : 2.0 * term;
            t += j;
            if (t >= n_) t -= n_;
        }
        out[j] = sum * scale;
    }
}

} // namespace amp::dsp
