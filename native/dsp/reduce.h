// reduce.h: deterministic reductions. The summation order is fixed (8 interleaved partial sums
// combined pairwise), independent of the vector width the compiler picks, so results are the
// same bits on every machine; written with vector types so they vectorise without fast-math.
#pragma once

#include <cstdint>
#include <cstring>

namespace amp::dsp {

// Sum of x[f]^2 for f < frames.
inline double sum_of_squares(const double *x, uint32_t frames) {
    typedef double Lanes __attribute__((vector_size(32)));
    Lanes low = {0.0, 0.0, 0.0, 0.0};
    Lanes high = {0.0, 0.0, 0.0, 0.0};
    uint32_t f = 0;
    for (; f + 8 <= frames; f += 8) {
        Lanes a, b;
        std::memcpy(&a, x + f, sizeof a);
        std::memcpy(&b, x + f + 4, sizeof b);
        low += a * a;
        high += b * b;
    }
    double partial[8];
    std::memcpy(partial, &low, sizeof low);
    std::memcpy(partial + 4, &high, sizeof high);
    for (; f < frames; ++f) partial[f % 8] += x[f] * x[f];
    return ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
           ((partial[4] + partial[5]) + (partial[6] + partial[7]));
}

} // namespace amp::dsp
