// complex_plan.cpp: the public complex plan: interleaved in (read by the transform's first
// stage), split transform, interleaved out.
#include "dsp/fft/plans.h"

#include "dsp/fft/interleave.h"
#include "dsp/fft/split_dft.h"

namespace amp::dsp::fft {
namespace {

class ComplexPlan final : public FftPlan {
  public:
    explicit ComplexPlan(std::size_t n) : FftPlan(n, false), core_(make_split_dft(n)) {}
    // Split output (2n), the core's work.
    std::size_t scratch_doubles() const override { return 2 * size() + core_->work_doubles(); }
    void forward(const double *in, double *out, double *scratch) const override {
        run(in, out, scratch, false);
    }
    void inverse(const double *in, double *out, double *scratch) const override {
        run(in, out, scratch, true);
    }

  private:
    void run(const double *in, double *out, double *scratch, bool inverse) const {
        const std::size_t n = size();
        double *b_re = scratch, *b_im = scratch + n, *work = scratch + 2 * n;
        if (inverse) {
            // Unscaled inverse: swap the parts of the input and of the output.
            core_->forward_interleaved(in, true, b_im, b_re, work);
            interleave_scaled(b_re, b_im, out, n, 1.0 / static_cast<double>(n));
        } else {
            core_->forward_interleaved(in, false, b_re, b_im, work);
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
