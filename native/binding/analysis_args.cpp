// analysis_args.cpp: see analysis_args.h.
#include "analysis_args.h"

#include "errors.h"

namespace amp_binding {

namespace {

double NumberField(const ArgContext &ctx, const Napi::Object &object, const char *name) {
    const Napi::Value value = object.Get(name);
    if (!value.IsNumber())
        ThrowTypeError(ctx.info.Env(), ctx.method, std::string("config.") + name, "a number");
    return value.As<Napi::Number>().DoubleValue();
}

} // namespace

AmpAnalysisConfig AnalysisConfigArg(const ArgContext &ctx, size_t index) {
    const Napi::Object object = ObjectArg(ctx, index, "config");
    AmpAnalysisConfig config{};
    config.sample_rate = NumberField(ctx, object, "sampleRate");
    config.size = Uint32Value(ctx, object.Get("size"), "config.size");
    config.hop = Uint32Value(ctx, object.Get("hop"), "config.hop");
    config.window = Uint32Value(ctx, object.Get("window"), "config.window");
    config.kaiser_beta = NumberField(ctx, object, "beta");
    config.symmetric = BooleanValue(ctx, object.Get("symmetric"), "config.symmetric") ? 1u : 0u;
    config.scale = Uint32Value(ctx, object.Get("scale"), "config.scale");
    config.points = Uint32Value(ctx, object.Get("points"), "config.points");
    config.min_hz = NumberField(ctx, object, "minHz");
    config.max_hz = NumberField(ctx, object, "maxHz");
    config.floor_db = NumberField(ctx, object, "floorDb");
    return config;
}

SignalArgs SignalArg(const ArgContext &ctx, size_t index) {
    SignalArgs signal;
    signal.samples = Float64ArrayArg(ctx, index, "samples");
    const uint32_t batches = Uint32Arg(ctx, index + 1, "batches");
    const uint32_t channels = Uint32Arg(ctx, index + 2, "channels");
    const uint32_t frames = Uint32Arg(ctx, index + 3, "frames");
    signal.samples = CurrentFloat64Array(signal.samples);
    CheckTensorLength(ctx, signal.samples.ElementLength(), "samples", batches, channels, frames);
    signal.view = AmpAudioView{signal.samples.Data(), batches, channels, frames};
    return signal;
}

std::vector<uint32_t> Uint32ArrayArg(const ArgContext &ctx, size_t index, const char *name) {
    const Napi::Value value = ctx.info[index];
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a Uint32Array");
    const Napi::Uint32Array array = value.As<Napi::Uint32Array>();
    return std::vector<uint32_t>(array.Data(), array.Data() + array.ElementLength());
}

ErrorInfo AnalysisError(int32_t status) {
    AmpErrorView view{};
    const int32_t code = amp_analysis_last_error(&view);
    ErrorInfo info;
    info.code = status;
    info.stage = "analysis";
    if (code == status && view.detail != nullptr) info.detail = view.detail;
    return info;
}

void ThrowAnalysisError(Napi::Env env, int32_t status) {
    throw MakeAmpError(env, AnalysisError(status));
}

PlanHandle::PlanHandle(Napi::Env env, const AmpAnalysisConfig &config) {
    const int32_t status = amp_analysis_plan_create(&config, &plan_);
    if (status != AMP_OK) ThrowAnalysisError(env, status);
    amp_analysis_plan_describe(plan_, &info_);
}

Napi::Object GainsObject(Napi::Env env, const AmpWindowGains &gains) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("coherentGain", gains.coherent_gain);
    object.Set("energyGain", gains.energy_gain);
    object.Set("enbwBins", gains.enbw_bins);
    object.Set("scallopingLossDb", gains.scalloping_loss_db);
    return object;
}

} // namespace amp_binding
