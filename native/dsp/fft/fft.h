// fft.h: the project's own discrete Fourier transforms (double precision), for any size n >= 1.
//
// Conventions (numpy's):
//   forward  X[k] = sum_{j<n} x[j] * exp(-2 pi i j k / n)            (no scaling)
//   inverse  x[j] = (1/n) sum_{k<n} X[k] * exp(+2 pi i j k / n)      (scaled by 1/n)
// so inverse(forward(x)) == x. Complex data is interleaved: element k is (data[2k], data[2k+1]).
// The real transform of n points produces the n/2 + 1 non-negative-frequency bins (interleaved);
// its inverse reads those bins (the imaginary parts of bin 0, and of bin n/2 when n is even, are
// ignored) and writes n real samples.
//
// Plans: a plan is built once per size (it may allocate) and cached process-wide; executing a plan
// never allocates and never locks. A plan is immutable, so one plan may run on several threads at
// once, each with its own scratch buffer of scratch_doubles() doubles. Results are deterministic:
// the same size, input and machine give the same bits on every call.
#pragma once

#include <cstddef>
#include <memory>

namespace amp::dsp {

class FftPlan {
  public:
    virtual ~FftPlan() = default;
    // The cached plan for complex transforms of n points (n >= 1). Thread-safe; the first call for
    // a size builds the plan (allocates), later calls return the same plan (without locking when
    // the calling thread asked for that size recently). Throws std::invalid_argument for n = 0.
    static std::shared_ptr<const FftPlan> complex(std::size_t n);
    // The cached plan for real transforms of n points (n >= 1).
    static std::shared_ptr<const FftPlan> real(std::size_t n);

    std::size_t size() const { return n_; }
    bool is_real() const { return real_; }
    // Doubles of scratch that forward()/inverse() need (may be 0).
    virtual std::size_t scratch_doubles() const = 0;

    // Complex plan: in and out hold 2n doubles; out may alias in.
    // Real plan: forward reads n doubles, writes 2(n/2+1); inverse reads 2(n/2+1), writes n.
    //   in and out must not alias for real plans.
    virtual void forward(const double *in, double *out, double *scratch) const = 0;
    virtual void inverse(const double *in, double *out, double *scratch) const = 0;

  protected:
    FftPlan(std::size_t n, bool real) : n_(n), real_(real) {}

  private:
    std::size_t n_;
    bool real_;
};

} // namespace amp::dsp
