// fft.cpp: the FFT entry points (see fft.h). Types and buffer lengths are checked here (a wrong
// length would read or write out of bounds); sizes and values are checked by amp_fft_*.
#include "fft.h"

#include <string>

#include "amp_native.h"
#include "args.h"
#include "errors.h"

namespace amp_binding {
namespace {

typedef int32_t (*FftFunction)(uint32_t, const double *, double *);

Napi::Value Transform(const Napi::CallbackInfo &info, const char *method, FftFunction function,
                      bool real, bool inverse) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, method};
    const Napi::Float64Array input = Float64ArrayArg(ctx, 0, "input");
    const uint32_t n = Uint32Arg(ctx, 1, "n");
    const size_t bins = 2 * (size_t{n} / 2 + 1);
    const size_t in_length = !real ? 2 * size_t{n} : inverse ? bins : n;
    const size_t out_length = !real ? 2 * size_t{n} : inverse ? n : bins;
    if (n >= 1 && n <= AMP_FFT_MAX_SIZE && input.ElementLength() != in_length)
        throw MakeAmpError(env, BindingError(std::string(method) + ": input holds " +
                                             std::to_string(input.ElementLength()) +
                                             " doubles, expected " + std::to_string(in_length) +
                                             " for n = " + std::to_string(n)));
    Napi::Float64Array output;
    if (info.Length() > 2 && !info[2].IsUndefined()) {
        output = Float64ArrayArg(ctx, 2, "output");
        if (n >= 1 && n <= AMP_FFT_MAX_SIZE && output.ElementLength() != out_length)
            throw MakeAmpError(
                env, BindingError(std::string(method) + ": output holds " +
                                  std::to_string(output.ElementLength()) + " doubles, expected " +
                                  std::to_string(out_length) + " for n = " + std::to_string(n)));
    } else {
        output = Napi::Float64Array::New(env, n >= 1 && n <= AMP_FFT_MAX_SIZE ? out_length : 0);
    }
    const int32_t status = function(n, input.Data(), output.Data());
    if (status != AMP_OK) {
        AmpErrorView view{};
        amp_fft_last_error(&view);
        ErrorInfo failure;
        failure.code = status;
        failure.stage = "fft";
        failure.detail = view.code == status && view.detail != nullptr ? view.detail : "";
        throw MakeAmpError(env, failure);
    }
    return output;
}

} // namespace

Napi::Value FftComplexForward(const Napi::CallbackInfo &info) {
    return Transform(info, "fftComplexForward", amp_fft_complex_forward, false, false);
}
Napi::Value FftComplexInverse(const Napi::CallbackInfo &info) {
    return Transform(info, "fftComplexInverse", amp_fft_complex_inverse, false, true);
}
Napi::Value FftRealForward(const Napi::CallbackInfo &info) {
    return Transform(info, "fftRealForward", amp_fft_real_forward, true, false);
}
Napi::Value FftRealInverse(const Napi::CallbackInfo &info) {
    return Transform(info, "fftRealInverse", amp_fft_real_inverse, true, true);
}

} // namespace amp_binding
