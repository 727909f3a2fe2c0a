// functions.cpp: stateless entry points (see functions.h).
#include "functions.h"

#include <cmath>
#include <string>

#include "amp_native.h"
#include "args.h"
#include "errors.h"

namespace amp_binding {

Napi::Value ApiVersion(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), amp_api_version());
}

Napi::Value StatusNameOf(const Napi::CallbackInfo &info) {
    const ArgContext ctx{info, "statusName"};
    const int32_t code = Int32Arg(ctx, 0, "code");
    return Napi::String::New(info.Env(), StatusName(code));
}

Napi::Value NodeCatalog(const Napi::CallbackInfo &info) {
    const char *catalog = amp_node_catalog_json();
    return Napi::String::New(info.Env(), catalog != nullptr ? catalog : "[]");
}

Napi::Value CountNonFinite(const Napi::CallbackInfo &info) {
    const ArgContext ctx{info, "countNonFinite"};
    const Napi::Float64Array samples = Float64ArrayArg(ctx, 0, "samples");
    const uint64_t bad = amp_count_nonfinite(samples.Data(), samples.ElementLength());
    return Napi::Number::New(info.Env(), static_cast<double>(bad));
}

Napi::Value LossL2(const Napi::CallbackInfo &info) {
    const ArgContext ctx{info, "lossL2"};
    const Napi::Float64Array y = Float64ArrayArg(ctx, 0, "y");
    const Napi::Float64Array target = Float64ArrayArg(ctx, 1, "target");
    Napi::Float64Array gradient = Float64ArrayArg(ctx, 2, "gradientOut");
    if (target.ElementLength() != y.ElementLength() ||
        gradient.ElementLength() != y.ElementLength()) {
        throw Napi::RangeError::New(info.Env(),
                                    "lossL2: y, target and gradientOut must have one length");
    }
    double loss = 0.0;
    const int32_t status =
        amp_loss_l2(y.Data(), target.Data(), y.ElementLength(), &loss, gradient.Data());
    if (status != AMP_OK) {
        ErrorInfo failure;
        failure.code = status;
        failure.stage = "loss";
        failure.detail = "lossL2: y and target must be non-empty and finite";
        throw MakeAmpError(info.Env(), failure);
    }
    return Napi::Number::New(info.Env(), loss);
}

Napi::Value LossSpectralL2(const Napi::CallbackInfo &info) {
    const ArgContext ctx{info, "lossSpectralL2"};
    const double size = NumberArg(ctx, 0, "size"), hop = NumberArg(ctx, 1, "hop");
    const double window = NumberArg(ctx, 2, "window"), beta = NumberArg(ctx, 3, "kaiserBeta");
    const Napi::Float64Array y = Float64ArrayArg(ctx, 4, "y");
    const Napi::Float64Array target = Float64ArrayArg(ctx, 5, "target");
    const double lanes = NumberArg(ctx, 6, "lanes");
    Napi::Float64Array gradient = Float64ArrayArg(ctx, 7, "gradientOut");
    auto integer = [](double v) { return v >= 0.0 && v <= 4294967295.0 && v == std::floor(v); };
    if (!integer(size) || !integer(hop) || !integer(window) || !integer(lanes) || lanes < 1.0 ||
        target.ElementLength() != y.ElementLength() ||
        gradient.ElementLength() != y.ElementLength() ||
        y.ElementLength() % static_cast<size_t>(lanes) != 0 || y.ElementLength() == 0) {
        throw Napi::RangeError::New(info.Env(),
                                    "lossSpectralL2: integer size, hop, window and lanes >= 1; y, "
                                    "target and gradientOut of one non-empty length, lanes x "
                                    "frames");
    }
    const auto failure = [&info](int32_t status) {
        AmpErrorView view{};
        amp_loss_last_error(&view);
        ErrorInfo error;
        error.code = status;
        error.stage = "loss";
        error.detail = view.detail != nullptr ? view.detail : "";
        return MakeAmpError(info.Env(), error);
    };
    AmpSpectralLoss *plan = nullptr;
    int32_t status =
        amp_loss_spectral_create(static_cast<uint32_t>(size), static_cast<uint32_t>(hop),
                                 static_cast<uint32_t>(window), beta, &plan);
    if (status != AMP_OK) throw failure(status);
    double loss = 0.0;
    status = amp_loss_spectral_l2(plan, y.Data(), target.Data(), static_cast<uint32_t>(lanes),
                                  y.ElementLength() / static_cast<size_t>(lanes), &loss,
                                  gradient.Data());
    amp_loss_spectral_destroy(plan);
    if (status != AMP_OK) throw failure(status);
    return Napi::Number::New(info.Env(), loss);
}

Napi::Value AnalyzeLevels(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analyzeLevels"};
    const Napi::Float64Array samples = Float64ArrayArg(ctx, 0, "samples");
    const uint32_t batches = Uint32Arg(ctx, 1, "batches");
    const uint32_t channels = Uint32Arg(ctx, 2, "channels");
    const uint32_t frames = Uint32Arg(ctx, 3, "frames");
    CheckTensorLength(ctx, samples.ElementLength(), "samples", batches, channels, frames);
    const uint64_t lanes = uint64_t{batches} * channels;
    Napi::Float64Array peak = Napi::Float64Array::New(env, static_cast<size_t>(lanes));
    Napi::Float64Array rms = Napi::Float64Array::New(env, static_cast<size_t>(lanes));
    const int32_t status =
        amp_analyze_levels(samples.Data(), batches, channels, frames, peak.Data(), rms.Data());
    if (status != AMP_OK) {
        ErrorInfo failure;
        failure.code = status;
        failure.stage = "analyze_levels";
        throw MakeAmpError(env, failure);
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("peak", peak);
    result.Set("rms", rms);
    return result;
}

} // namespace amp_binding
