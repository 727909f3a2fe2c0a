// c_api_loss.cpp: losses for the backward pass: a value and its output gradient (amp_loss_l2,
// and the spectral L2 of dsp/spectral_loss.h behind amp_loss_spectral_*).
#include <cmath>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>

#include "amp_native.h"
#include "dsp/spectral_loss.h"

struct AmpSpectralLoss {
    amp::dsp::SpectralL2 loss;
};

namespace {

struct LossError {
    int32_t code = AMP_OK;
    std::string detail;
};

LossError &last_error() {
    thread_local LossError error;
    return error;
}

int32_t fail(int32_t code, std::string detail) {
    last_error() = LossError{code, std::move(detail)};
    return code;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

// The first non-finite value of a lanes x frames signal, named, or an empty string.
std::string non_finite(const char *name, const double *x, uint64_t count) {
    for (uint64_t i = 0; i < count; ++i)
        if (!std::isfinite(x[i]))
            return std::string(name) + " expects finite values, got " + number(x[i]) +
                   " at index " + std::to_string(i);
    return "";
}

} // namespace

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

extern "C" int32_t amp_loss_spectral_create(uint32_t size, uint32_t hop, uint32_t window,
                                            double kaiser_beta, AmpSpectralLoss **out_loss) {
    if (out_loss == nullptr) return fail(AMP_ERR_INVALID_ARGUMENT, "out_loss is null");
    *out_loss = nullptr;
    if (size < 2 || size > (1u << 24))
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    "size expects an integer in [2, 16777216], got " + std::to_string(size));
    if (hop < 1 || hop > size)
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    "hop expects an integer in [1, size = " + std::to_string(size) + "], got " +
                        std::to_string(hop));
    if (window >= amp::dsp::kWindowKindCount)
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    "window expects a window code in [0, 5], got " + std::to_string(window));
    if (!(kaiser_beta >= 0.0 && kaiser_beta <= 50.0))
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    "kaiser_beta expects a number in [0, 50], got " + number(kaiser_beta));
    try {
        *out_loss = new AmpSpectralLoss{amp::dsp::SpectralL2(
            size, hop, static_cast<amp::dsp::WindowKind>(window), kaiser_beta)};
    } catch (const std::bad_alloc &) {
        return fail(AMP_ERR_INTERNAL, "out of memory");
    } catch (const std::exception &error) {
        return fail(AMP_ERR_INTERNAL, std::string("internal error: ") + error.what());
    }
    return AMP_OK;
}

extern "C" void amp_loss_spectral_destroy(AmpSpectralLoss *loss) { delete loss; }

extern "C" int32_t amp_loss_spectral_l2(AmpSpectralLoss *loss, const double *y,
                                        const double *target, uint32_t lanes, uint64_t frames,
                                        double *out_loss, double *out_gradient) {
    if (loss == nullptr || y == nullptr || target == nullptr || out_loss == nullptr)
        return fail(AMP_ERR_INVALID_ARGUMENT, "loss, y, target and out_loss must not be null");
    if (lanes < 1 || frames < 1 || frames > (uint64_t{1} << 40))
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    "lanes expects >= 1 and frames an integer in [1, 2^40], got " +
                        std::to_string(lanes) + " and " + std::to_string(frames));
    const uint64_t count = static_cast<uint64_t>(lanes) * frames;
    for (const auto &[name, x] :
         {std::pair<const char *, const double *>{"y", y}, {"target", target}}) {
        const std::string bad = non_finite(name, x, count);
        if (!bad.empty()) return fail(AMP_ERR_INVALID_ARGUMENT, bad);
    }
    *out_loss =
        loss->loss.evaluate(y, target, lanes, static_cast<std::size_t>(frames), out_gradient);
    return AMP_OK;
}

extern "C" int32_t amp_loss_last_error(AmpErrorView *out_error) {
    const LossError &error = last_error();
    if (out_error != nullptr)
        *out_error = AmpErrorView{error.code, "loss", "", error.detail.c_str()};
    return error.code;
}
