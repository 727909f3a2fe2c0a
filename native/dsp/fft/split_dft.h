// split_dft.h: the forward complex DFT on split (planar) arrays that every public plan runs on.
// Internal to native/dsp/fft; the public interface is fft.h.
#pragma once

#include <cstddef>
#include <memory>

namespace amp::dsp::fft {

// out[k] = sum_{j<n} in[j] exp(-2 pi i j k / n), no scaling, real and imaginary parts in separate
// arrays of n doubles. An unscaled inverse is the same call with the real and imaginary arrays
// swapped on both sides (swapping parts is i * conj, and DFT(i conj x) = i conj(IDFT x)).
class SplitDft {
  public:
    virtual ~SplitDft() = default;
    std::size_t size() const { return n_; }
    // Doubles of work space forward() needs.
    virtual std::size_t work_doubles() const = 0;
    // The four arrays must not overlap each other or work; in is left unchanged.
    virtual void forward(const double *in_re, const double *in_im, double *out_re, double *out_im,
                         double *work) const = 0;
    // The same transform of interleaved complex input (2n doubles: re, im, ...); with swap the
    // real and imaginary parts of the input are exchanged (for the unscaled inverse).
    virtual void forward_interleaved(const double *in, bool swap, double *out_re, double *out_im,
                                     double *work) const = 0;
    // Interleaved in and out (2n doubles each; out may be in): the DFT, or with inverse the
    // unscaled inverse DFT; every output value is multiplied by scale (exactly as a separate pass
    // would: scale 1 leaves values unchanged).
    virtual void transform_interleaved(const double *in, double *out, bool inverse, double scale,
                                       double *work) const = 0;

  protected:
    explicit SplitDft(std::size_t n) : n_(n) {}

  private:
    std::size_t n_;
};

// True when n = 2^a 3^b 5^c (the sizes the Stockham mixed-radix kernels handle directly).
bool is_smooth(std::size_t n);
// Mixed-radix Stockham autosort transform for smooth n >= 1 (allocates its twiddles). With
// vectors false every stage runs the scalar kernels (a reference for tests: same bits expected).
std::unique_ptr<SplitDft> make_stockham(std::size_t n, bool vectors = true);
// Bluestein's chirp-z transform for any n >= 1 over a smooth convolution size >= 2n - 1.
std::unique_ptr<SplitDft> make_bluestein(std::size_t n);
// Stockham when n is smooth, Bluestein otherwise.
std::unique_ptr<SplitDft> make_split_dft(std::size_t n);

} // namespace amp::dsp::fft
