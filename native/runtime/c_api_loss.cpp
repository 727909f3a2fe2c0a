// c_api_loss.cpp: losses for the backward pass (amp_loss_l2): a value and its output gradient.
#include <cmath>

#include "amp_native.h"

extern "C" int32_t amp_loss_l2(const double *y, const double *target, uint64_t count,
                               double *out_loss, double *out_gradient) {
    if (y == nullptr || target == nullptr || out_loss == nullptr || count == 0)
        return AMP_ERR_INVALID_ARGUMENT;
    for (uint64_t i = 0; i < count; ++i)
        if (!std::isfinite(y[i]) || !std::isfinite(target[i])) return AMP_ERR_INVALID_ARGUMENT;
    const double scale = 1.0 / static_cast<double>(count);
    double total = 0.0;
    for (uint64_t i = 0; i < count; ++i) {
        const double error = y[i] - target[i];
        total += error * error;
        if (out_gradient != nullptr) out_gradient[i] = 2.0 * error * scale;
    }
    *out_loss = total * scale;
    return AMP_OK;
}
