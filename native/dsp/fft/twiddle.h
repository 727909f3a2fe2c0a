// twiddle.h: roots of unity for the FFT plans, computed once at plan time.
#pragma once

#include <cstdint>

namespace amp::dsp::fft {

// exp(-2 pi i t / n) for 0 <= t (reduced mod n), n >= 1, as (*re, *im). The angle is reduced to
// the first octant with integer arithmetic and evaluated with long double cosl/sinl, then rounded
// once to double, so the symmetries are exact (w(0) = 1, w(n/4) = -i, w(n - t) = conj(w(t)), ...)
// and each value is within half an ulp of the true root in all but rare cases.
void unit_root(uint64_t t, uint64_t n, double *re, double *im);

} // namespace amp::dsp::fft
