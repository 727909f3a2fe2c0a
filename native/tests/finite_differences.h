// finite_differences.h: the two sides of a gradient check, shared by the gradient tests.
// dot(a, b) is the analytic side <a, b> (summed in index order over the shorter length);
// central_difference(base, direction, h, loss) is the numeric side, the derivative of a scalar
// loss along `direction` at `base`: (loss(base + h d) - loss(base - h d)) / (2 h), each point
// built element by element as base[i] + (+/-h) * d[i].
#pragma once

#include <cstddef>
#include <vector>

namespace amp_test {

inline double dot(const std::vector<double> &a, const std::vector<double> &b) {
    double sum = 0.0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) sum += a[i] * b[i];
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
