// pitch_shift_frame.h: one analysis frame of the phase-vocoder pitch shifter
// (nodes/pitch_shift.cpp has the algorithm) and its adjoint, on the N / 2 + 1 bins of a real
// transform of N points (interleaved complex). The per-lane state is the analysis phase of
// every bin one frame earlier (`previous`) and the running synthesis phase of every bin
// (`running`); `started` is false on a lane's first frame.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace amp::pitch_shift {

class FrameShifter {
  public:
    FrameShifter(uint32_t window, uint32_t hop); // allocates its scratch

    // The periodic Hann window's transform at x bins from a complex exponential's frequency
    // (see pitch_shift.cpp) and its derivative in x.
    std::complex<double> kernel(double x) const;
    std::complex<double> kernel_slope(double x) const;

    // Forward: shifts `spectrum` (bins values, in place) by ratio r and advances the state.
    void shift(double *spectrum, double *previous, double *running, bool started, double r);

    // Adjoint of shift() at the frame's forward inputs: `spectrum`, `previous`, `running`,
    // `started` and r as they were before shift() ran. On entry `gradient` holds G' (the
    // upstream gradient of the output spectrum in the stream's scaling: dL/dY_k = s_k G'_k with
    // s = 2 / N on the complex bins and 1 / N on the real ones, whose imaginary part is 0),
    // `previous_adjoint` and `running_adjoint` the gradients with respect to the state after
    // the frame. On return `gradient` holds dL/dX_k / s_k (the same scaling: irfft of it is the
    // gradient of the windowed frame), the two state adjoints are the gradients with respect to
    // the state before the frame, and the return value is dL/dr. No allocation.
    double shift_adjoint(const double *spectrum, const double *previous, const double *running,
                         bool started, double r, double *gradient, double *previous_adjoint,
                         double *running_adjoint);

  private:
    // A peak of the frame as shift() used it.
    struct Peak {
        uint32_t bin;           // k
        uint32_t target;        // J = round(t)
        double w, t, phi;       // true frequency, shifted frequency (bins), synthesis phase
        std::complex<double> c; // the sinusoid's amplitude
    };
    // Analysis and peak choice (steps 1 and 2 of the header), into magnitude_, phase_,
    // frequency_ and peaks_.
    void analyse(const double *spectrum, const double *previous, const double *running,
                 bool started, double r);

    uint32_t window_, hop_;
    size_t bins_;
    double e_; // 2 pi hop / window: the phase advance per hop of bin 1
    std::vector<double> magnitude_, phase_, frequency_, out_re_, out_im_, next_running_;
    std::vector<Peak> peaks_;        // at most bins_ (capacity reserved)
    std::vector<int32_t> writer_;    // per target bin: the last peak writing it, or -1
    std::vector<double> phase_grad_; // per bin: dL/d(analysis phase)
};

} // namespace amp::pitch_shift
