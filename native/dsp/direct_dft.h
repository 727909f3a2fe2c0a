// direct_dft.h: the real DFT and its inverse by direct sums, O(n^2), with the conventions of the
// real FFT plans (fft.h): forward X[k] = sum_j x[j] exp(-2 pi i j k / n) for k = 0 .. n/2,
// unscaled; inverse x[j] = (1/n) sum over the full Hermitian spectrum, ignoring the imaginary
// parts of bin 0 and (n even) bin n/2. A verification path (the FFT divider's
// `algorithm: "dft"`): independent of the FFT's factorisations, sharing only the roots of unity
// (twiddle.h). The table is built in the constructor; forward / inverse never allocate.
#pragma once

#include <cstddef>
#include <vector>

namespace amp::dsp {

class DirectRealDft {
  public:
    explicit DirectRealDft(std::size_t n); // n >= 1
    std::size_t size() const { return n_; }
    // in: n samples; out: 2 (n/2 + 1) doubles (interleaved bins). in and out must not alias.
    void forward(const double *in, double *out) const;
    // in: 2 (n/2 + 1) doubles; out: n samples. in and out must not alias.
    void inverse(const double *in, double *out) const;

  private:
    std::size_t n_;
    std::vector<double> cos_, sin_; // exp(-2 pi i t / n) = cos_[t] + i sin_[t], t < n
};

} // namespace amp::dsp
