// complex_plan.cpp: the public complex plan: interleaved in, split transform, interleaved out.
#include "dsp/fft/plans.h"

#include "dsp/fft/interleave.h"
#include "dsp/fft/split_dft.h"

namespace amp::dsp::fft {
namespace {

class ComplexPlan final : public FftPlan {
  public:
    explicit ComplexPlan(std::size_t n) : FftPlan(n, false), core_(make_split_dft(n)) {}
    // Split input (2n), split output (2n), the core's work.
    std::size_t scratch_doubles() const override { return 4 * size() + core_->work_doubles(); }
    void forward(const double *in, double *out, double *scratch) const override {
        run(in, out, scratch, false);
    }
    void inverse(const double *in, double *out, double *scratch) const override {
        run(in, out, scratch, true);
    }

  private:
    void run(const double *in, double *out, double *scratch, bool inverse) const {
        const std::size_t n = size();
        double *a_re = scratch, *a_im = scratch + n, *b_re = scratch + 2 * n,
               *b_im = scratch + 3 * n, *work = scratch + 4 * n;
        deinterleave(in, a_re, a_im, n);
        if (inverse) {
            core_->forward(a_im, a_re, b_im, b_re, work);
            interleave_scaled(b_re, b_im, out, n, 1.0 / static_cast<double>(n));
        } else {
            core_->forward(a_re, a_im, b_re, b_im, work);
            interleave_scaled(b_re, b_im, out, n, 1.0);
        }
    }
    std::unique_ptr<SplitDft> core_;
};

} // namespace

std::shared_ptr<const FftPlan> build_complex_plan(std::size_t n) {
    return std::make_shared<ComplexPlan>(n);
}

} // namespace amp::dsp::fft
