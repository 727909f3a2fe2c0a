// complex_plan.cpp: the public complex plan: interleaved in (read by the transform's first
// stage), split work buffers, interleaved out (written by its last stage).
#include "dsp/fft/plans.h"

#include "dsp/fft/split_dft.h"

namespace amp::dsp::fft {
namespace {

class ComplexPlan final : public FftPlan {
  public:
    explicit ComplexPlan(std::size_t n) : FftPlan(n, false), core_(make_split_dft(n)) {}
    std::size_t scratch_doubles() const override { return core_->work_doubles(); }
    void forward(const double *in, double *out, double *scratch) const override {
        run(in, out, scratch, false);
    }
    void inverse(const double *in, double *out, double *scratch) const override {
        run(in, out, scratch, true);
    }

  private:
    void run(const double *in, double *out, double *scratch, bool inverse) const {
        const std::size_t n = size();
        // Unscaled inverse: the forward transform with the parts of input and output swapped.
        core_->transform_interleaved(in, out, inverse, inverse ? 1.0 / static_cast<double>(n) : 1.0,
                                     scratch);
    }
    std::unique_ptr<SplitDft> core_;
};

} // namespace

std::shared_ptr<const FftPlan> build_complex_plan(std::size_t n) {
    return std::make_shared<ComplexPlan>(n);
}

} // namespace amp::dsp::fft
