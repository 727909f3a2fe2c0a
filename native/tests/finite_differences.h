// finite_differences.h: the two sides of a gradient check, shared by the gradient tests.
// dot(a, b) is the analytic side <a, b> (summed in index order over the shorter length),
// periodic_dot the same for a direction that repeats with the block;
// central_difference(base, direction, h, loss) is the numeric side, the derivative of a scalar
// loss along `direction` at `base`: (loss(base + h d) - loss(base - h d)) / (2 h), each point
// built element by element as base[i] + (+/-h) * d[i].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace amp_test {

inline double dot(const std::vector<double> &a, const std::vector<double> &b) {
    double sum = 0.0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) sum += a[i] * b[i];
    return sum;
}

// <d, g> for a per-frame parameter direction that repeats with the block, as parameter overrides
// do: d holds `batches` rows of `block` frames, g `batches` rows of `frames` frames; frame f of
// batch b pairs g[b][f] with d[b][f % block]. Summed batch by batch, frame by frame.
inline double periodic_dot(const std::vector<double> &direction, uint32_t block,
                           const std::vector<double> &gradient, uint32_t batches, uint32_t frames) {
    double sum = 0.0;
    for (uint32_t b = 0; b < batches; ++b)
        for (uint32_t f = 0; f < frames; ++f)
            sum += direction[static_cast<size_t>(b) * block + f % block] *
                   gradient[static_cast<size_t>(b) * frames + f];
    return sum;
}

// `loss` takes the moved point (a std::vector<double> the size of `base`) and returns a double;
// `direction` has at least base.size() elements.
template <class Loss>
double central_difference(const std::vector<double> &base, const std::vector<double> &direction,
                          double h, Loss &&loss) {
    double side[2];
    for (int sign = 0; sign < 2; ++sign) {
        std::vector<double> moved = base;
        for (size_t i = 0; i < moved.size(); ++i) moved[i] += (sign == 0 ? h : -h) * direction[i];
        side[sign] = loss(moved);
    }
    return (side[0] - side[1]) / (2 * h);
}

} // namespace amp_test
