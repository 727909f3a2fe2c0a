// real_plan.cpp: the public real plan.
//
// Even n = 2h: z_j = x_{2j} + i x_{2j+1} is transformed by an h-point complex DFT Z, then
//   X_k = E_k + w^k O_k with E_k = (Z_k + conj Z_{h-k}) / 2, O_k = -i (Z_k - conj Z_{h-k}) / 2,
//   w = exp(-2 pi i / n), k = 0..h (Z_h = Z_0). The inverse builds
//   Z'_k = (X_k + conj X_{h-k}) + i conj(w^k) (X_k - conj X_{h-k}) = 2 Z_k and runs the unscaled
//   inverse h-point transform; x_{2j} + i x_{2j+1} = z'_j / n.
// Odd n: the n-point complex transform of (x, 0); the inverse rebuilds the Hermitian spectrum.
#include <vector>

#include "dsp/fft/interleave.h"
#include "dsp/fft/plans.h"
#include "dsp/fft/split_dft.h"
#include "dsp/fft/twiddle.h"

namespace amp::dsp::fft {
namespace {

inline V4 reverse(V4 v) { return amp_shuffle(v, Shuffle4{3, 2, 1, 0}); }

// out[2t] = re[t], out[2t + 1] = im[t] for t < 4.
inline void store_interleaved(double *out, V4 re, V4 im) {
    Lanes<V4>::store(out, amp_shuffle(re, im, Shuffle4{0, 4, 1, 5}));
    Lanes<V4>::store(out + 4, amp_shuffle(re, im, Shuffle4{2, 6, 3, 7}));
}

class EvenRealPlan final : public FftPlan {
  public:
    explicit EvenRealPlan(std::size_t n)
        : FftPlan(n, true), half_(n / 2), core_(make_split_dft(n / 2)), w_re_(half_ + 1),
          w_im_(half_ + 1) {
        for (std::size_t k = 0; k <= half_; ++k) unit_root(k, n, &w_re_[k], &w_im_[k]);
    }
    std::size_t scratch_doubles() const override { return 4 * half_ + core_->work_doubles(); }
    void forward(const double *in, double *out, double *scratch) const override {
        const std::size_t h = half_;
        double *z_re = scratch, *z_im = scratch + h, *work = scratch + 4 * h;
        core_->forward_interleaved(in, false, z_re, z_im, work);
        out[0] = z_re[0] + z_im[0];
        out[1] = 0.0;
        out[2 * h] = z_re[0] - z_im[0];
        out[2 * h + 1] = 0.0;
        // Bins k and h - k together: with A = Z_k, B = conj Z_{h-k}, E = (A + B) / 2 and
        // O = -i (A - B) / 2, X_k = E + w^k O and X_{h-k} = conj(E - w^k O).
        std::size_t k = 1;
        for (; 2 * k + 6 < h; k += 4) {
            const std::size_t r = h - k - 3; // bins r..r+3 pair with k+3..k, reversed
            const V4 ar = Lanes<V4>::load(z_re + k), ai = Lanes<V4>::load(z_im + k);
            const V4 br = reverse(Lanes<V4>::load(z_re + r));
            const V4 bi = -reverse(Lanes<V4>::load(z_im + r));
            const V4 wr = Lanes<V4>::load(w_re_.data() + k), wi = Lanes<V4>::load(w_im_.data() + k);
            const V4 er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
            const V4 orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
            const V4 pr = orr * wr - oi * wi, pi = orr * wi + oi * wr;
            store_interleaved(out + 2 * k, er + pr, ei + pi);
            store_interleaved(out + 2 * r, reverse(er - pr), reverse(-(ei - pi)));
        }
        for (; 2 * k <= h; ++k) {
            const double ar = z_re[k], ai = z_im[k], br = z_re[h - k], bi = -z_im[h - k];
            const double wr = w_re_[k], wi = w_im_[k];
            const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
            const double orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
            const double pr = orr * wr - oi * wi, pi = orr * wi + oi * wr;
            out[2 * k] = er + pr;
            out[2 * k + 1] = ei + pi;
            if (2 * k != h) {
                out[2 * (h - k)] = er - pr;
                out[2 * (h - k) + 1] = -(ei - pi);
            }
        }
    }
    void inverse(const double *in, double *out, double *scratch) const override {
        const std::size_t h = half_;
        double *a_re = scratch, *a_im = scratch + h, *z_re = scratch + 2 * h,
               *z_im = scratch + 3 * h, *work = scratch + 4 * h;
        for (std::size_t k = 0; k < h; ++k) {
            // A = X_k, B = conj X_{h-k}; the imaginary parts of X_0 and X_h are ignored.
            const double ar = in[2 * k], ai = k == 0 ? 0.0 : in[2 * k + 1];
            const double br = in[2 * (h - k)], bi = k == 0 ? 0.0 : -in[2 * (h - k) + 1];
            const double sr = ar + br, si = ai + bi, dr = ar - br, di = ai - bi;
            // Z'_k = S + i P with S = A + B, P = conj(w^k) D, D = A - B.
            const double wr = w_re_[k], wi = -w_im_[k];
            const double pr = dr * wr - di * wi, pi = dr * wi + di * wr; // conj(w^k) D
            a_re[k] = sr - pi;
            a_im[k] = si + pr;
        }
        core_->forward(a_im, a_re, z_im, z_re, work);
        interleave_scaled(z_re, z_im, out, h, 1.0 / static_cast<double>(size()));
    }

  private:
    std::size_t half_;
    std::unique_ptr<SplitDft> core_;
    std::vector<double> w_re_, w_im_; // exp(-2 pi i k / n), k = 0..h
};

class OddRealPlan final : public FftPlan {
  public:
    explicit OddRealPlan(std::size_t n) : FftPlan(n, true), core_(make_split_dft(n)) {}
    std::size_t scratch_doubles() const override { return 4 * size() + core_->work_doubles(); }
    void forward(const double *in, double *out, double *scratch) const override {
        const std::size_t n = size();
        double *a_re = scratch, *a_im = scratch + n, *z_re = scratch + 2 * n,
               *z_im = scratch + 3 * n, *work = scratch + 4 * n;
        for (std::size_t j = 0; j < n; ++j) {
            a_re[j] = in[j];
            a_im[j] = 0.0;
        }
        core_->forward(a_re, a_im, z_re, z_im, work);
        interleave_scaled(z_re, z_im, out, n / 2 + 1, 1.0);
        out[1] = 0.0;
    }
    void inverse(const double *in, double *out, double *scratch) const override {
        const std::size_t n = size();
        double *a_re = scratch, *a_im = scratch + n, *z_re = scratch + 2 * n,
               *z_im = scratch + 3 * n, *work = scratch + 4 * n;
        a_re[0] = in[0];
        a_im[0] = 0.0;
        for (std::size_t k = 1; k <= n / 2; ++k) {
            a_re[k] = a_re[n - k] = in[2 * k];
            a_im[k] = in[2 * k + 1];
            a_im[n - k] = -in[2 * k + 1];
        }
        core_->forward(a_im, a_re, z_im, z_re, work);
        const double scale = 1.0 / static_cast<double>(n);
        for (std::size_t j = 0; j < n; ++j) out[j] = z_re[j] * scale;
    }

  private:
    std::unique_ptr<SplitDft> core_;
};

} // namespace

std::shared_ptr<const FftPlan> build_real_plan(std::size_t n) {
    if (n % 2 == 0) return std::make_shared<EvenRealPlan>(n);
    return std::make_shared<OddRealPlan>(n);
}

} // namespace amp::dsp::fft
