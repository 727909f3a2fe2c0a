// bluestein.cpp: Bluestein's chirp-z algorithm for sizes with a prime factor above 5.
//
// With c_k = exp(-pi i k^2 / n): X_j = c_j sum_k (x_k c_k) conj(c_{j-k}), a circular convolution of
// length M >= 2n - 1 (M smooth and a multiple of 16, so its Stockham transform is vectorised),
// done as two Stockham transforms of size M and a pointwise product with the precomputed
// transform of conj(c), which carries the 1/M of the inverse. k^2 is reduced mod 2n in integers,
// so the chirp stays accurate for large n.
#include <cstdint>
#include <vector>

#include "dsp/fft/interleave.h"
#include "dsp/fft/split_dft.h"
#include "dsp/fft/twiddle.h"

namespace amp::dsp::fft {
namespace {

std::size_t convolution_size(std::size_t n) {
    const std::size_t least = 2 * n - 1;
    for (std::size_t blocks = (least + 15) / 16;; ++blocks)
        if (is_smooth(blocks)) return 16 * blocks;
}

class Bluestein final : public SplitDft {
  public:
    explicit Bluestein(std::size_t n)
        : SplitDft(n), m_(convolution_size(n)), inner_(make_stockham(m_)), chirp_re_(n),
          chirp_im_(n), kernel_re_(m_), kernel_im_(m_) {
        for (std::size_t k = 0; k < n; ++k) {
            const uint64_t square_mod = static_cast<uint64_t>(
                (static_cast<unsigned __int128>(k) * k) % (2 * static_cast<uint64_t>(n)));
            unit_root(square_mod, 2 * n, &chirp_re_[k], &chirp_im_[k]);
        }
        // b_k = conj(c_|k|) at circular positions k and M - k, zero elsewhere.
        std::vector<double> b_re(m_, 0.0), b_im(m_, 0.0), work(inner_->work_doubles());
        for (std::size_t k = 0; k < n; ++k) {
            b_re[k] = chirp_re_[k];
            b_im[k] = -chirp_im_[k];
            if (k > 0) {
                b_re[m_ - k] = chirp_re_[k];
                b_im[m_ - k] = -chirp_im_[k];
            }
        }
        inner_->forward(b_re.data(), b_im.data(), kernel_re_.data(), kernel_im_.data(),
                        work.data());
        const double scale = 1.0 / static_cast<double>(m_);
        for (std::size_t k = 0; k < m_; ++k) {
            kernel_re_[k] *= scale;
            kernel_im_[k] *= scale;
        }
    }
    std::size_t work_doubles() const override { return 4 * m_ + inner_->work_doubles(); }
    void forward(const double *in_re, const double *in_im, double *out_re, double *out_im,
                 double *work) const override {
        for (std::size_t k = 0; k < size(); ++k) {
            work[k] = in_re[k] * chirp_re_[k] - in_im[k] * chirp_im_[k];
            work[m_ + k] = in_re[k] * chirp_im_[k] + in_im[k] * chirp_re_[k];
        }
        convolve(out_re, out_im, work);
    }
    void forward_interleaved(const double *in, bool swap, double *out_re, double *out_im,
                             double *work) const override {
        const std::size_t re = swap ? 1 : 0, im = 1 - re;
        for (std::size_t k = 0; k < size(); ++k) {
            work[k] = in[2 * k + re] * chirp_re_[k] - in[2 * k + im] * chirp_im_[k];
            work[m_ + k] = in[2 * k + re] * chirp_im_[k] + in[2 * k + im] * chirp_re_[k];
        }
        convolve(out_re, out_im, work);
    }
    void transform_interleaved(const double *in, double *out, bool inverse, double scale,
                               double *work) const override {
        // The convolution's second buffer is free once the result is written.
        double *y_re = work + 2 * m_, *y_im = work + 3 * m_;
        forward_interleaved(in, inverse, y_re, y_im, work);
        interleave_scaled(inverse ? y_im : y_re, inverse ? y_re : y_im, out, size(), scale);
    }

  private:
    // work[0, n) and work[M, M + n) hold x c; finishes the transform into out.
    void convolve(double *out_re, double *out_im, double *work) const {
        const std::size_t n = size();
        double *a_re = work, *a_im = work + m_, *b_re = work + 2 * m_, *b_im = work + 3 * m_;
        double *inner_work = work + 4 * m_;
        for (std::size_t k = n; k < m_; ++k) a_re[k] = a_im[k] = 0.0;
        inner_->forward(a_re, a_im, b_re, b_im, inner_work);
        for (std::size_t k = 0; k < m_; ++k) {
            const double re = b_re[k] * kernel_re_[k] - b_im[k] * kernel_im_[k];
            const double im = b_re[k] * kernel_im_[k] + b_im[k] * kernel_re_[k];
            b_re[k] = re;
            b_im[k] = im;
        }
        // Unscaled inverse: the forward transform with real and imaginary parts swapped.
        inner_->forward(b_im, b_re, a_im, a_re, inner_work);
        for (std::size_t j = 0; j < n; ++j) {
            out_re[j] = a_re[j] * chirp_re_[j] - a_im[j] * chirp_im_[j];
            out_im[j] = a_re[j] * chirp_im_[j] + a_im[j] * chirp_re_[j];
        }
    }

    std::size_t m_;
    std::unique_ptr<SplitDft> inner_;
    std::vector<double> chirp_re_, chirp_im_, kernel_re_, kernel_im_;
};

} // namespace

std::unique_ptr<SplitDft> make_bluestein(std::size_t n) { return std::make_unique<Bluestein>(n); }

} // namespace amp::dsp::fft
