// twiddle.cpp: accurate roots of unity (see twiddle.h).
#include "dsp/fft/twiddle.h"

#include <cmath>

namespace amp::dsp::fft {

void unit_root(uint64_t t, uint64_t n, double *re, double *im) {
    t %= n;
    // angle = 2 pi t / n = (pi / 4) * (8t / n); octant o = floor(8t / n), remainder r / n.
    const unsigned __int128 scaled = static_cast<unsigned __int128>(t) * 8u;
    const uint64_t octant = static_cast<uint64_t>(scaled / n);
    const uint64_t rest = static_cast<uint64_t>(scaled % n);
    const long double quarter_pi = 0.785398163397448309615660845819875721L;
    // Even octants measure phi from the octant's start, odd ones from its end (phi in [0, pi/4]).
    const uint64_t from = (octant % 2 == 0) ? rest : n - rest;
    const long double phi =
        quarter_pi * static_cast<long double>(from) / static_cast<long double>(n);
    const double c = static_cast<double>(cosl(phi));
    const double s = static_cast<double>(sinl(phi));
    double cos_a = 0.0, sin_a = 0.0; // cos and sin of the angle 2 pi t / n
    switch (octant) {
    case 0: cos_a = c, sin_a = s; break;   // phi
    case 1: cos_a = s, sin_a = c; break;   // pi/2 - phi
    case 2: cos_a = -s, sin_a = c; break;  // pi/2 + phi
    case 3: cos_a = -c, sin_a = s; break;  // pi - phi
    case 4: cos_a = -c, sin_a = -s; break; // pi + phi
    case 5: cos_a = -s, sin_a = -c; break; // 3pi/2 - phi
    case 6: cos_a = s, sin_a = -c; break;  // 3pi/2 + phi
    default: cos_a = c, sin_a = -s; break; // 2pi - phi
    }
    *re = cos_a;
    *im = sin_a == 0.0 ? 0.0 : -sin_a;
}

} // namespace amp::dsp::fft
