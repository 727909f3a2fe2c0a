// series.cpp: see series.h.
#include "series.h"

#include "amp_native.h"
#include "args.h"
#include "errors.h"

namespace amp_binding {

namespace {

[[noreturn]] void ThrowStatus(Napi::Env env, int32_t status, const char *stage) {
    ErrorInfo failure;
    failure.code = status;
    failure.stage = stage;
    throw MakeAmpError(env, failure);
}

} // namespace

Napi::Value ColumnStats(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "columnStats"};
    const Napi::Float64Array data = Float64ArrayArg(ctx, 0, "data");
    const uint32_t lanes = Uint32Arg(ctx, 1, "lanes");
    const uint32_t frames = Uint32Arg(ctx, 2, "frames");
    const uint32_t start = Uint32Arg(ctx, 3, "start");
    const uint32_t end = Uint32Arg(ctx, 4, "end");
    const uint32_t columns = Uint32Arg(ctx, 5, "columns");
    const Napi::Float64Array current = CurrentFloat64Array(data);
    CheckTensorLength(ctx, current.ElementLength(), "data", 1, lanes, frames);
    const size_t count = static_cast<size_t>(uint64_t{lanes} * columns);
    Napi::Float64Array sum = Napi::Float64Array::New(env, count);
    Napi::Float64Array mean = Napi::Float64Array::New(env, count);
    Napi::Float64Array max = Napi::Float64Array::New(env, count);
    const int32_t status = amp_analysis_column_stats(current.Data(), lanes, frames, start, end,
                                                     columns, sum.Data(), mean.Data(), max.Data());
    if (status != AMP_OK) ThrowStatus(env, status, "column_stats");
    Napi::Object result = Napi::Object::New(env);
    result.Set("sum", sum);
    result.Set("mean", mean);
    result.Set("max", max);
    return result;
}

Napi::Value RunningSum(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "runningSum"};
    const Napi::Float64Array data = Float64ArrayArg(ctx, 0, "data");
    const uint32_t lanes = Uint32Arg(ctx, 1, "lanes");
    const uint32_t n = Uint32Arg(ctx, 2, "n");
    const Napi::Float64Array current = CurrentFloat64Array(data);
    CheckTensorLength(ctx, current.ElementLength(), "data", 1, lanes, n);
    Napi::Float64Array out = Napi::Float64Array::New(env, static_cast<size_t>(uint64_t{lanes} * n));
    const int32_t status = amp_analysis_running_sum(current.Data(), lanes, n, out.Data());
    if (status != AMP_OK) ThrowStatus(env, status, "running_sum");
    return out;
}

} // namespace amp_binding
