// fft_plan_cache.cpp: the process-wide plan cache and a direct-DFT placeholder implementation.
// The placeholder is O(n^2) and exists so the analysis code can be written against fft.h; the
// FFT work replaces it with the real plans behind the same interface.
#include "dsp/fft/fft.h"

#include <cmath>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace amp::dsp {
namespace {

class DirectDftPlan final : public FftPlan {
  public:
    DirectDftPlan(std::size_t n, bool real) : FftPlan(n, real), twiddle_(2 * n) {
        for (std::size_t k = 0; k < n; ++k) {
            const double angle = -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n);
            twiddle_[2 * k] = std::cos(angle);
            twiddle_[2 * k + 1] = std::sin(angle);
        }
    }
    std::size_t scratch_doubles() const override { return 4 * size(); }
    void forward(const double *in, double *out, double *scratch) const override {
        const std::size_t n = size();
        double *x = scratch;
        if (is_real()) {
            for (std::size_t j = 0; j < n; ++j) {
                x[2 * j] = in[j];
                x[2 * j + 1] = 0.0;
            }
        } else {
            for (std::size_t j = 0; j < 2 * n; ++j) x[j] = in[j];
        }
        double *y = scratch + 2 * n;
        dft(x, y, -1.0);
        const std::size_t bins = is_real() ? n / 2 + 1 : n;
        for (std::size_t k = 0; k < 2 * bins; ++k) out[k] = y[k];
    }
    void inverse(const double *in, double *out, double *scratch) const override {
        const std::size_t n = size();
        double *x = scratch;
        if (is_real()) {
            for (std::size_t k = 0; k <= n / 2; ++k) {
                x[2 * k] = in[2 * k];
                x[2 * k + 1] = in[2 * k + 1];
            }
            x[1] = 0.0;
            if (n % 2 == 0) x[n + 1] = 0.0;
            for (std::size_t k = n / 2 + 1; k < n; ++k) {
                x[2 * k] = in[2 * (n - k)];
                x[2 * k + 1] = -in[2 * (n - k) + 1];
            }
        } else {
            for (std::size_t j = 0; j < 2 * n; ++j) x[j] = in[j];
        }
        double *y = scratch + 2 * n;
        dft(x, y, 1.0);
        const double scale = 1.0 / static_cast<double>(n);
        if (is_real())
            for (std::size_t j = 0; j < n; ++j) out[j] = y[2 * j] * scale;
        else
            for (std::size_t j = 0; j < 2 * n; ++j) out[j] = y[j] * scale;
    }

  private:
    void dft(const double *x, double *y, double sign) const {
        const std::size_t n = size();
        for (std::size_t k = 0; k < n; ++k) {
            double re = 0.0, im = 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                const std::size_t t = (j * k) % n;
                const double c = twiddle_[2 * t],
                             s = sign < 0 ? twiddle_[2 * t + 1] : -twiddle_[2 * t + 1];
                re += x[2 * j] * c - x[2 * j + 1] * s;
                im += x[2 * j] * s + x[2 * j + 1] * c;
            }
            y[2 * k] = re;
            y[2 * k + 1] = im;
        }
    }
    std::vector<double> twiddle_;
};

std::shared_ptr<const FftPlan> cached(std::size_t n, bool real) {
    static std::mutex mutex;
    static std::map<std::pair<std::size_t, bool>, std::shared_ptr<const FftPlan>> plans;
    std::lock_guard<std::mutex> lock(mutex);
    auto &slot = plans[{n, real}];
    if (!slot) slot = std::make_shared<DirectDftPlan>(n, real);
    return slot;
}

} // namespace

std::shared_ptr<const FftPlan> FftPlan::complex(std::size_t n) { return cached(n, false); }
std::shared_ptr<const FftPlan> FftPlan::real(std::size_t n) { return cached(n, true); }

} // namespace amp::dsp
