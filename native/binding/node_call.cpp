// node_call.cpp: runNode and liveStateCount (see node_call.h).
#include "node_call.h"

#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "amp_native.h"
#include "args.h"
#include "errors.h"
#include "history.h"
#include "metrics.h"
#include "node_state_wrap.h"

namespace amp_binding {

namespace {

// One {name?, data, batches, channels, frames} element of inputs.audio or inputs.params, as read
// from JS. `data` is re-read with CurrentFloat64Array() before its pointer is taken.
struct TensorArg {
    std::string path;
    std::string name;
    Napi::Float64Array data;
    uint32_t batches = 0;
    uint32_t channels = 0;
    uint32_t frames = 0;
};

std::vector<TensorArg> TensorsValue(const ArgContext &ctx, const Napi::Value &value,
                                    const std::string &name, bool named) {
    const Napi::Array array = ArrayValue(ctx, value, name);
    const uint32_t count = array.Length();
    std::vector<TensorArg> tensors;
    tensors.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        TensorArg tensor;
        tensor.path = name + "[" + std::to_string(i) + "]";
        const Napi::Object object = ObjectValue(ctx, array.Get(i), tensor.path);
        if (named) {
            tensor.name = StringValue(ctx, object.Get("name"), tensor.path + ".name");
        }
        tensor.data = Float64ArrayValue(ctx, object.Get("data"), tensor.path + ".data");
        tensor.batches = Uint32Value(ctx, object.Get("batches"), tensor.path + ".batches");
        tensor.channels = Uint32Value(ctx, object.Get("channels"), tensor.path + ".channels");
        tensor.frames = Uint32Value(ctx, object.Get("frames"), tensor.path + ".frames");
        tensors.push_back(std::move(tensor));
    }
    return tensors;
}

// The data pointer of a tensor whose length matches its shape now (no JS runs after this).
const double *CheckedData(const ArgContext &ctx, const TensorArg &tensor) {
    const Napi::Float64Array data = CurrentFloat64Array(tensor.data);
    CheckTensorLength(ctx, data.ElementLength(), tensor.path + ".data", tensor.batches,
                      tensor.channels, tensor.frames);
    return data.Data();
}

// The enum's two values are its whole type: anything else is a TypeError.
AmpExecutionMode ModeValue(const ArgContext &ctx, const Napi::Value &value) {
    const double mode = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1.0;
    if (mode != 0.0 && mode != 1.0) {
        ThrowTypeError(ctx.info.Env(), ctx.method, "options.mode", "0 (forward) or 1 (backward)");
    }
    return mode == 0.0 ? AMP_EXECUTION_FORWARD : AMP_EXECUTION_BACKWARD;
}

struct NativeBufferFree {
    void operator()(double *buffer) const noexcept { amp_free(buffer); }
};

} // namespace

Napi::Value RunNode(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "runNode"};

    // 1. Read every JS value. Getters of the caller's objects may run JS here, so no pointer
    //    into JS memory is kept from this step.
    const Napi::Object descriptor = ObjectArg(ctx, 0, "descriptor");
    const std::string name = StringValue(ctx, descriptor.Get("name"), "descriptor.name");
    const std::string type = StringValue(ctx, descriptor.Get("type"), "descriptor.type");
    const std::string params_json =
        StringValue(ctx, descriptor.Get("paramsJson"), "descriptor.paramsJson");
    const Napi::Object inputs = ObjectArg(ctx, 1, "inputs");
    const std::vector<TensorArg> audio =
        TensorsValue(ctx, inputs.Get("audio"), "inputs.audio", false);
    const std::vector<TensorArg> params =
        TensorsValue(ctx, inputs.Get("params"), "inputs.params", true);
    const int32_t batches = Int32Arg(ctx, 2, "batches");
    const int32_t channels = Int32Arg(ctx, 3, "channels");
    const int32_t frames = Int32Arg(ctx, 4, "frames");
    const double sample_rate = NumberArg(ctx, 5, "sampleRate");
    NodeStateWrap *state = NodeStateWrap::FromValue(ctx, info[6], "state");
    const Napi::Object options = ObjectArg(ctx, 7, "options");
    const AmpExecutionMode mode = ModeValue(ctx, options.Get("mode"));
    const Napi::Value offset_value = options.Get("historyFrameOffset");
    const uint64_t frame_offset =
        offset_value.IsUndefined()
            ? 0
            : FrameCountValue(ctx, offset_value, "options.historyFrameOffset");
    std::unique_ptr<HistoryCopy> history;
    const Napi::Value curves = options.Get("history");
    if (!curves.IsUndefined()) {
        history = HistoryCopy::FromJs(ctx, curves, "options.history", frame_offset);
    }

    // 2. No JS runs from here on: lengths are checked against the arrays as they are now and
    //    the views point into them until the call returns.
    std::vector<AmpAudioView> audio_views;
    audio_views.reserve(audio.size());
    for (const TensorArg &tensor : audio) {
        audio_views.push_back(
            AmpAudioView{CheckedData(ctx, tensor), tensor.batches, tensor.channels, tensor.frames});
    }
    std::vector<AmpParamView> param_views;
    param_views.reserve(params.size());
    for (const TensorArg &tensor : params) {
        param_views.push_back(AmpParamView{tensor.name.c_str(), CheckedData(ctx, tensor),
                                           tensor.batches, tensor.channels, tensor.frames});
    }
    const AmpNodeDescriptorView descriptor_view{name.c_str(), type.c_str(), params_json.c_str()};
    const AmpNodeInputs input_views{audio_views.empty() ? nullptr : audio_views.data(),
                                    static_cast<uint32_t>(audio_views.size()),
                                    param_views.empty() ? nullptr : param_views.data(),
                                    static_cast<uint32_t>(param_views.size())};

    // 3. The call. The state slot is read now (a getter above may have released it) and
    //    whatever the call leaves in it becomes the object's state at once.
    void *slot = state->get();
    double *out = nullptr;
    int32_t out_channels = 0;
    AmpNodeMetrics metrics{};
    const int32_t status = amp_run_node_v2(&descriptor_view, &input_views, batches, channels,
                                           frames, sample_rate, &out, &out_channels, &slot,
                                           history ? history->view() : nullptr, mode, &metrics);
    state->Adopt(slot);
    const std::unique_ptr<double, NativeBufferFree> owned(out);
    if (status != AMP_OK) {
        throw MakeAmpError(env, NodeCallErrorFor(status, "run_node"));
    }

    // 4. The result: a copy of the B x out_channels x F native buffer (released by `owned`).
    if (out_channels < 0 || batches < 0 || frames < 0) {
        throw MakeAmpError(
            env, BindingError("runNode: the runtime accepted a negative shape", AMP_ERR_INTERNAL));
    }
    const uint64_t count = uint64_t{static_cast<uint32_t>(batches)} *
                           static_cast<uint32_t>(out_channels) * static_cast<uint32_t>(frames);
    if (count > std::numeric_limits<size_t>::max() / sizeof(double)) {
        throw Napi::RangeError::New(env,
                                    "runNode: the output array would be too large to allocate");
    }
    if (count > 0 && out == nullptr) {
        throw MakeAmpError(
            env, BindingError("runNode: the runtime returned no output buffer", AMP_ERR_INTERNAL));
    }
    Napi::Float64Array samples = Napi::Float64Array::New(env, static_cast<size_t>(count));
    if (count > 0) {
        std::memcpy(samples.Data(), out, static_cast<size_t>(count) * sizeof(double));
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("samples", samples);
    result.Set("outputChannels", Napi::Number::New(env, out_channels));
    result.Set("metrics", MetricsObject(env, metrics));
    return result;
}

Napi::Value LiveStateCount(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), static_cast<double>(amp_live_state_count()));
}

} // namespace amp_binding
