// reduce.h: deterministic reductions. The summation order is fixed (interleaved partial sums
// combined pairwise), independent of the vector width the compiler picks, so results are the
// same bits on every machine; written with vector types so they vectorise without fast-math.
#pragma once

#include <cstdint>
#include <cstring>

namespace amp::dsp {

// Sum of x[f]^2 for f < frames: 16 interleaved partial sums (four 4-lane accumulators, so the
// adds overlap), combined pairwise.
inline double sum_of_squares(const double *x, uint32_t frames) {
    typedef double Lanes __attribute__((vector_size(32)));
    Lanes acc[4] = {
        {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}};
    uint32_t f = 0;
    for (; f + 16 <= frames; f += 16)
        for (uint32_t k = 0; k < 4; ++k) {
            Lanes v;
            std::memcpy(&v, x + f + 4 * k, sizeof v);
            acc[k] += v * v;
        }
    double partial[16];
    std::memcpy(partial, acc, sizeof acc);
    for (; f < frames; ++f) partial[f % 16] += x[f] * x[f];
    double pairs[8];
    for (uint32_t k = 0; k < 8; ++k) pairs[k] = partial[2 * k] + partial[2 * k + 1];
    return ((pairs[0] + pairs[1]) + (pairs[2] + pairs[3])) +
           ((pairs[4] + pairs[5]) + (pairs[6] + pairs[7]));
}

} // namespace amp::dsp
