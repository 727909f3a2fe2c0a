// interleave.h: conversions between interleaved complex (re, im, re, im, ...) and split arrays,
// four complex values per step on 4-lane vectors (pure data movement and, for interleave_scaled,
// one multiplication per value, so the bits do not depend on the vector width).
#pragma once

#include <cstddef>

#include "dsp/fft/butterflies.h"

namespace amp::dsp::fft {

typedef long long Shuffle4 __attribute__((vector_size(32)));

// re[k] = in[2k], im[k] = in[2k + 1] for k < n.
inline void deinterleave(const double *in, double *re, double *im, std::size_t n) {
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const V4 lo = Lanes<V4>::load(in + 2 * k), hi = Lanes<V4>::load(in + 2 * k + 4);
        Lanes<V4>::store(re + k, amp_shuffle(lo, hi, Shuffle4{0, 2, 4, 6}));
        Lanes<V4>::store(im + k, amp_shuffle(lo, hi, Shuffle4{1, 3, 5, 7}));
    }
    for (; k < n; ++k) {
        re[k] = in[2 * k];
        im[k] = in[2 * k + 1];
    }
}

// out[2k] = re[k] * scale, out[2k + 1] = im[k] * scale for k < n (scale 1 leaves values exact).
inline void interleave_scaled(const double *re, const double *im, double *out, std::size_t n,
                              double scale) {
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const V4 r = Lanes<V4>::load(re + k) * scale, i = Lanes<V4>::load(im + k) * scale;
        Lanes<V4>::store(out + 2 * k, amp_shuffle(r, i, Shuffle4{0, 4, 1, 5}));
        Lanes<V4>::store(out + 2 * k + 4, amp_shuffle(r, i, Shuffle4{2, 6, 3, 7}));
    }
    for (; k < n; ++k) {
        out[2 * k] = re[k] * scale;
        out[2 * k + 1] = im[k] * scale;
    }
}

} // namespace amp::dsp::fft
