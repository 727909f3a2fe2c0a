// runtime_wrap.cpp: the JS Runtime object over AmpGraphRuntime (see runtime_wrap.h).
#include "runtime_wrap.h"

#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "addon_data.h"
#include "args.h"
#include "errors.h"
#include "history.h"
#include "metrics.h"
#include "progress.h"
#include "render_worker.h"
#include "work_worker.h"

namespace amp_binding {

namespace {

// Product of tensor dimensions in doubles; false when it overflows uint64_t.
bool CheckedProduct(std::initializer_list<uint64_t> factors, uint64_t *out) {
    uint64_t product = 1;
    for (const uint64_t factor : factors) {
        if (factor != 0 && product > std::numeric_limits<uint64_t>::max() / factor) {
            return false;
        }
        product *= factor;
    }
    *out = product;
    return true;
}

// Largest Float64Array the binding allocates, in elements (2^53 - 1: exact as a JS number).
constexpr uint64_t kMaxArrayElements = 9007199254740991ull;

Napi::Float64Array NewOutputArray(Napi::Env env, const char *what,
                                  std::initializer_list<uint64_t> dims) {
    uint64_t length = 0;
    if (!CheckedProduct(dims, &length) || length > kMaxArrayElements ||
        length > std::numeric_limits<size_t>::max()) {
        throw Napi::RangeError::New(env, std::string("render: the ") + what +
                                             " array would be too large to allocate");
    }
    return Napi::Float64Array::New(env, static_cast<size_t>(length));
}

std::string CopyString(const char *text) {
    return text != nullptr ? std::string(text) : std::string();
}

} // namespace

Napi::Function RuntimeWrap::DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<RuntimeWrap>::DefineClass(
        env, "Runtime",
        {
            InstanceMethod<&RuntimeWrap::Configure>("configure"),
            InstanceMethod<&RuntimeWrap::SetSampleRate>("setSampleRate"),
            InstanceMethod<&RuntimeWrap::SetThreads>("setThreads"),
            InstanceMethod<&RuntimeWrap::Reset>("reset"),
            InstanceMethod<&RuntimeWrap::SetParam>("setParam"),
            InstanceMethod<&RuntimeWrap::SetBuffer>("setBuffer"),
            InstanceMethod<&RuntimeWrap::ClearParams>("clearParams"),
            InstanceMethod<&RuntimeWrap::ShareLanes>("shareLanes"),
            InstanceMethod<&RuntimeWrap::Render>("render"),
            InstanceMethod<&RuntimeWrap::RenderInto>("renderInto"),
            InstanceMethod<&RuntimeWrap::Cancel>("cancel"),
            InstanceMethod<&RuntimeWrap::NodeNames>("nodeNames"),
            InstanceMethod<&RuntimeWrap::TapInfos>("tapInfos"),
            InstanceMethod<&RuntimeWrap::DescribeNode>("describeNode"),
            InstanceMethod<&RuntimeWrap::DescribeGraph>("describeGraph"),
            InstanceMethod<&RuntimeWrap::HeatByBatch>("heatByBatch"),
            InstanceMethod<&RuntimeWrap::LastError>("lastError"),
            InstanceMethod<&RuntimeWrap::ReadLog>("readLog"),
            InstanceMethod<&RuntimeWrap::Snapshot>("snapshot"),
            InstanceMethod<&RuntimeWrap::BufferBytes>("bufferBytes"),
            InstanceMethod<&RuntimeWrap::Restore>("restore"),
            InstanceMethod<&RuntimeWrap::RecordSize>("recordSize"),
            InstanceMethod<&RuntimeWrap::Record>("record"),
            InstanceMethod<&RuntimeWrap::Backward>("backward"),
            InstanceMethod<&RuntimeWrap::RecordCheckpointedSize>("recordCheckpointedSize"),
            InstanceMethod<&RuntimeWrap::RecordCheckpointed>("recordCheckpointed"),
            InstanceMethod<&RuntimeWrap::Destroy>("destroy"),
        });
}

Napi::Value RuntimeWrap::Create(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "createRuntime"};
    const std::string graph_json = StringArg(ctx, 0, "graphJson");

    AmpGraphRuntime *handle = nullptr;
    const int32_t status = amp_graph_runtime_create(graph_json.c_str(), &handle);
    if (status != AMP_OK || handle == nullptr) {
        // A failed create still returns a runtime (in a failed state) that holds the error.
        const int32_t code = status != AMP_OK ? status : AMP_ERR_INTERNAL;
        const ErrorInfo failure = LastErrorFor(handle, code, "create");
        if (handle != nullptr) {
            amp_graph_runtime_destroy(handle);
        }
        throw MakeAmpError(env, failure);
    }

    AddonData &data = GetAddonData(env);
    std::shared_ptr<RuntimeState> state;
    try {
        state = std::make_shared<RuntimeState>(handle);
    } catch (...) {
        amp_graph_runtime_destroy(handle);
        throw;
    }
    data.pending_runtime = std::move(state);
    try {
        Napi::Object object = data.runtime_constructor.New({});
        data.pending_runtime.reset();
        return object;
    } catch (...) {
        // Releases the handle when the constructor never took it.
        data.pending_runtime.reset();
        throw;
    }
}

RuntimeWrap::RuntimeWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<RuntimeWrap>(info) {
    AddonData &data = GetAddonData(info.Env());
    if (!data.pending_runtime) {
        throw Napi::TypeError::New(info.Env(),
                                   "Runtime cannot be constructed directly; use createRuntime()");
    }
    state_ = std::move(data.pending_runtime);
    data.pending_runtime.reset();
}

AmpGraphRuntime *RuntimeWrap::Usable(Napi::Env env) const {
    if (state_->destroyed() || state_->handle() == nullptr) {
        throw MakeAmpError(env, BindingError("runtime destroyed"));
    }
    if (state_->rendering()) {
        throw MakeAmpError(
            env, BindingError("runtime busy: a render is in progress; await it (or abort it) first",
                              AMP_ERR_PENDING));
    }
    return state_->handle();
}

void RuntimeWrap::Check(Napi::Env env, int32_t status, const char *stage) const {
    if (status != AMP_OK) {
        throw MakeAmpError(env, LastErrorFor(state_->handle(), status, stage));
    }
}

void RuntimeWrap::Configure(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "configure"};
    const uint32_t batches = Uint32Arg(ctx, 0, "batches");
    const uint32_t block_frames = Uint32Arg(ctx, 1, "blockFrames");
    Check(info.Env(), amp_graph_runtime_configure(handle, batches, block_frames), "configure");
}

void RuntimeWrap::SetThreads(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "setThreads"};
    const uint32_t threads = Uint32Arg(ctx, 0, "threads");
    Check(info.Env(), amp_graph_runtime_set_threads(handle, threads), "set_threads");
}

void RuntimeWrap::SetSampleRate(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "setSampleRate"};
    const double sample_rate = NumberArg(ctx, 0, "sampleRate");
    Check(info.Env(), amp_graph_runtime_set_sample_rate(handle, sample_rate), "set_sample_rate");
}

void RuntimeWrap::Reset(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    Check(info.Env(), amp_graph_runtime_reset(handle), "reset");
}

void RuntimeWrap::SetParam(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "setParam"};
    const std::string node = StringArg(ctx, 0, "node");
    const std::string param = StringArg(ctx, 1, "param");
    const Napi::Float64Array data = Float64ArrayArg(ctx, 2, "data");
    const uint32_t batches = Uint32Arg(ctx, 3, "batches");
    const uint32_t channels = Uint32Arg(ctx, 4, "channels");
    const uint32_t frames = Uint32Arg(ctx, 5, "frames");
    CheckTensorLength(ctx, data.ElementLength(), "data", batches, channels, frames);
    Check(info.Env(),
          amp_graph_runtime_set_param(handle, node.c_str(), param.c_str(), data.Data(), batches,
                                      channels, frames),
          "set_param");
}

void RuntimeWrap::SetBuffer(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "setBuffer"};
    const std::string node = StringArg(ctx, 0, "node");
    const uint32_t slot = Uint32Arg(ctx, 1, "slot");
    const Napi::Float64Array data = Float64ArrayArg(ctx, 2, "data");
    const uint32_t channels = Uint32Arg(ctx, 3, "channels");
    const uint64_t frames = FrameCountArg(ctx, 4, "frames");
    const double sample_rate = NumberArg(ctx, 5, "sampleRate");
    // The memory-safety check: data must hold exactly channels x frames doubles.
    const uint64_t count = data.ElementLength();
    if (!(frames == 0 ? count == 0 : (count % frames == 0 && count / frames == channels)))
        throw Napi::RangeError::New(info.Env(),
                                    "setBuffer: argument \"data\" has " + std::to_string(count) +
                                        " values but channels x frames is " +
                                        std::to_string(channels) + " x " + std::to_string(frames));
    Check(info.Env(),
          amp_graph_runtime_set_buffer(handle, node.c_str(), slot, data.Data(), channels, frames,
                                       sample_rate),
          "set_buffer");
}

Napi::Value RuntimeWrap::Snapshot(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    uint64_t bytes = 0;
    Check(info.Env(), amp_graph_runtime_snapshot_size(handle, &bytes), "snapshot");
    Napi::Uint8Array snapshot = Napi::Uint8Array::New(info.Env(), static_cast<size_t>(bytes));
    Check(info.Env(), amp_graph_runtime_snapshot(handle, snapshot.Data(), bytes), "snapshot");
    return snapshot;
}

Napi::Value RuntimeWrap::BufferBytes(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "bufferBytes"};
    const uint32_t batches = Uint32Arg(ctx, 0, "batches");
    const uint32_t block_frames = Uint32Arg(ctx, 1, "blockFrames");
    uint64_t bytes = 0;
    Check(info.Env(), amp_graph_runtime_buffer_bytes(handle, batches, block_frames, &bytes),
          "buffer_bytes");
    return Napi::Number::New(info.Env(), static_cast<double>(bytes));
}

void RuntimeWrap::Restore(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "restore"};
    const Napi::Uint8Array snapshot = Uint8ArrayArg(ctx, 0, "snapshot");
    Check(info.Env(), amp_graph_runtime_restore(handle, snapshot.Data(), snapshot.ByteLength()),
          "restore");
}

Napi::Value RuntimeWrap::RecordSize(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "recordSize"};
    const uint64_t frames = FrameCountArg(ctx, 0, "frames");
    uint64_t bytes = 0;
    Check(info.Env(), amp_graph_runtime_record_size(handle, frames, &bytes), "record");
    return Napi::Number::New(info.Env(), static_cast<double>(bytes));
}

void RuntimeWrap::Record(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "record"};
    const uint64_t frames = FrameCountArg(ctx, 0, "frames");
    const double max_bytes = NumberArg(ctx, 1, "maxBytes");
    if (!(max_bytes >= 0.0) || max_bytes > 9007199254740991.0) {
        throw Napi::RangeError::New(info.Env(), "record: maxBytes must be in [0, 2^53 - 1]");
    }
    Check(info.Env(), amp_graph_runtime_record(handle, frames, static_cast<uint64_t>(max_bytes)),
          "record");
}

namespace {

// Queues an async worker that holds the runtime's render slot until it settles: the slot is
// taken first, and a worker that cannot be queued is deleted (its OnOK/OnError then never run).
template <typename Worker>
Napi::Promise QueueOnRuntime(RuntimeState &state, Worker *worker) {
    const Napi::Promise promise = worker->Promise();
    state.BeginRender();
    try {
        worker->Queue();
    } catch (...) {
        delete worker;
        throw;
    }
    return promise;
}

} // namespace

namespace {

// One backward pass: the copied request strings, the arrays it reads and writes (kept alive)
// and, when asynchronous, the runtime's render slot (so destroy waits and cancel() reaches it).
class BackwardJob : public WorkJob {
  public:
    BackwardJob(std::shared_ptr<RuntimeState> state, size_t count)
        : state_(std::move(state)), handle_(state_->handle()), nodes(count), params(count),
          outs(count), requests(count) {}

    int32_t Run(const AmpWorkOptions &work, ErrorInfo &failure) override {
        const int32_t status = amp_graph_runtime_backward_v2(
            handle_, gradient_data, gradient_len, requests.data(),
            static_cast<uint32_t>(requests.size()), history ? history->view() : nullptr, &work);
        if (status != AMP_OK) failure = LastErrorFor(handle_, status, "backward");
        return status;
    }
    Napi::Value Result(Napi::Env env) override { return env.Undefined(); }
    void Over() override {
        if (asynchronous) state_->EndRender();
    }

    std::shared_ptr<RuntimeState> state_;
    AmpGraphRuntime *handle_;
    std::vector<std::string> nodes, params;
    std::vector<Napi::Reference<Napi::Float64Array>> outs;
    std::vector<AmpGradientRequest> requests;
    Napi::Reference<Napi::Float64Array> gradient;
    std::unique_ptr<HistoryCopy> history; // the span's control history, or none
    const double *gradient_data = nullptr;
    uint64_t gradient_len = 0;
    bool asynchronous = false;
};

} // namespace

Napi::Value RuntimeWrap::Backward(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Usable(env);
    const ArgContext ctx{info, "backward"};
    // The work options first: no user code runs after the arrays are read.
    std::optional<WorkArgs> work;
    if (!info[2].IsUndefined()) work = WorkArg(ctx, info[2], "work", false);
    std::unique_ptr<HistoryCopy> history;
    if (!info[3].IsUndefined()) history = HistoryCopy::FromJs(ctx, info[3], "history");
    const Napi::Float64Array gradient = Float64ArrayArg(ctx, 0, "outputGradient");
    const Napi::Array list = ArrayValue(ctx, info[1], "requests");
    // Strings and arrays copied out of JS first; the C call sees plain pointers.
    auto job = std::make_unique<BackwardJob>(state_, list.Length());
    job->history = std::move(history);
    std::vector<Napi::Float64Array> outs(list.Length());
    for (uint32_t i = 0; i < list.Length(); ++i) {
        const std::string name = "requests[" + std::to_string(i) + "]";
        const Napi::Object request = ObjectValue(ctx, list.Get(i), name);
        job->nodes[i] = StringValue(ctx, request.Get("node"), name + ".node");
        const bool has_param = !request.Get("param").IsUndefined();
        if (has_param) job->params[i] = StringValue(ctx, request.Get("param"), name + ".param");
        const bool summed = BooleanValue(ctx, request.Get("summed"), name + ".summed");
        outs[i] = Float64ArrayValue(ctx, request.Get("out"), name + ".out");
        job->requests[i] =
            AmpGradientRequest{job->nodes[i].c_str(), has_param ? job->params[i].c_str() : nullptr,
                               summed ? 1u : 0u, nullptr, 0};
    }
    // Getters of the request objects may have detached or shrunk a buffer: read them now.
    for (size_t i = 0; i < outs.size(); ++i) {
        outs[i] = CurrentFloat64Array(outs[i]);
        job->requests[i].out = outs[i].Data();
        job->requests[i].out_len = static_cast<uint64_t>(outs[i].ElementLength());
        job->outs[i] = Napi::Persistent(outs[i]);
    }
    const Napi::Float64Array current = CurrentFloat64Array(gradient);
    job->gradient = Napi::Persistent(current);
    job->gradient_data = current.Data();
    job->gradient_len = current.ElementLength();
    if (!work) {
        const AmpWorkOptions none{};
        ErrorInfo failure;
        if (job->Run(none, failure) != AMP_OK) throw MakeAmpError(env, failure);
        return env.Undefined();
    }
    job->asynchronous = true;
    const volatile int32_t *flag = state_->cancel_flag();
    auto *worker = new WorkWorker(env, "amp_kpn:backward", std::move(job), flag, std::move(*work));
    return QueueOnRuntime(*state_, worker);
}

Napi::Value RuntimeWrap::RecordCheckpointedSize(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "recordCheckpointedSize"};
    const uint64_t frames = FrameCountArg(ctx, 0, "frames");
    const uint64_t checkpoint = FrameCountArg(ctx, 1, "checkpointFrames");
    uint64_t bytes = 0;
    Check(info.Env(),
          amp_graph_runtime_record_checkpointed_size(handle, frames, checkpoint, &bytes), "record");
    return Napi::Number::New(info.Env(), static_cast<double>(bytes));
}

void RuntimeWrap::RecordCheckpointed(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "recordCheckpointed"};
    const uint64_t frames = FrameCountArg(ctx, 0, "frames");
    const uint64_t checkpoint = FrameCountArg(ctx, 1, "checkpointFrames");
    const double max_bytes = NumberArg(ctx, 2, "maxBytes");
    if (!(max_bytes >= 0.0) || max_bytes > 9007199254740991.0) {
        throw Napi::RangeError::New(info.Env(),
                                    "recordCheckpointed: maxBytes must be in [0, 2^53 - 1]");
    }
    Check(info.Env(),
          amp_graph_runtime_record_checkpointed(handle, frames, checkpoint,
                                                static_cast<uint64_t>(max_bytes)),
          "record");
}

void RuntimeWrap::ClearParams(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "clearParams"};
    if (info[0].IsUndefined()) {
        Check(info.Env(), amp_graph_runtime_clear_params(handle, nullptr), "clear_params");
        return;
    }
    const std::string node = StringArg(ctx, 0, "node");
    Check(info.Env(), amp_graph_runtime_clear_params(handle, node.c_str()), "clear_params");
}

// shareLanes(nodes: string[], params: string[]): amp_graph_runtime_share_lanes.
void RuntimeWrap::ShareLanes(const Napi::CallbackInfo &info) {
    AmpGraphRuntime *handle = Usable(info.Env());
    const ArgContext ctx{info, "shareLanes"};
    const Napi::Array nodes = ArrayValue(ctx, info[0], "nodes");
    const Napi::Array params = ArrayValue(ctx, info[1], "params");
    if (nodes.Length() != params.Length())
        ThrowTypeError(info.Env(), "shareLanes", "params", "an array as long as nodes");
    std::vector<std::string> node_names, param_names;
    for (uint32_t i = 0; i < nodes.Length(); ++i) {
        node_names.push_back(StringValue(ctx, nodes.Get(i), "nodes[" + std::to_string(i) + "]"));
        param_names.push_back(StringValue(ctx, params.Get(i), "params[" + std::to_string(i) + "]"));
    }
    std::vector<const char *> node_ptrs, param_ptrs;
    for (size_t i = 0; i < node_names.size(); ++i) {
        node_ptrs.push_back(node_names[i].c_str());
        param_ptrs.push_back(param_names[i].c_str());
    }
    Check(info.Env(),
          amp_graph_runtime_share_lanes(handle, node_ptrs.data(), param_ptrs.data(),
                                        static_cast<uint32_t>(node_ptrs.size())),
          "share_lanes");
}

Napi::Value RuntimeWrap::Render(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    const ArgContext ctx{info, "render"};
    const uint64_t frames = FrameCountArg(ctx, 0, "frames");
    const Napi::Object options = ObjectArg(ctx, 1, "options");
    const bool record_heat = BooleanValue(ctx, options.Get("recordHeat"), "options.recordHeat");
    const Napi::Value over_budget_option = options.Get("recordOverBudget");
    const bool record_over_budget =
        !over_budget_option.IsUndefined() &&
        BooleanValue(ctx, over_budget_option, "options.recordOverBudget");
    std::unique_ptr<HistoryCopy> history;
    const Napi::Value curves = options.Get("history");
    if (!curves.IsUndefined()) {
        history = HistoryCopy::FromJs(ctx, curves, "options.history");
    }

    AmpGraphSummary summary{};
    Check(env, amp_graph_runtime_describe_graph(handle, &summary), "describe_graph");
    // The samples go into the caller's array when given (exactly batches x output channels x
    // frames values; the caller must not transfer it while the render runs), else a new one.
    Napi::Float64Array samples;
    const Napi::Value into = options.Get("into");
    if (into.IsUndefined()) {
        samples =
            NewOutputArray(env, "samples", {summary.batches, summary.output_channels, frames});
    } else {
        samples = CurrentFloat64Array(Float64ArrayValue(ctx, into, "options.into"));
        CheckTensorLength(ctx, samples.ElementLength(), "options.into", summary.batches,
                          summary.output_channels, static_cast<uint32_t>(frames));
    }
    Napi::Float64Array heat;
    if (record_heat) {
        heat = NewOutputArray(env, "heat",
                              {uint64_t{summary.node_count} + 1, summary.batches, frames});
    }

    Napi::Uint8Array over_budget;
    if (record_over_budget) {
        uint64_t length = 0;
        if (!CheckedProduct({summary.batches, frames}, &length) || length > kMaxArrayElements) {
            throw Napi::RangeError::New(
                env, "render: the overBudget array would be too large to allocate");
        }
        over_budget = Napi::Uint8Array::New(env, static_cast<size_t>(length));
    }

    // Taps are always recorded when the graph has any: per tap batches x values x records
    // (records: those the next `frames` frames publish), and each record's time.
    uint64_t tap_values = 0, tap_records = 0;
    const uint32_t tap_count = amp_graph_runtime_tap_count(handle);
    Napi::Array records = Napi::Array::New(env, tap_count);
    for (uint32_t i = 0; i < tap_count; ++i) {
        AmpTapInfo tap{};
        Check(env, amp_graph_runtime_tap_info(handle, i, &tap), "tap_info");
        const uint64_t count = amp_graph_runtime_tap_records(handle, i, frames);
        records.Set(i, static_cast<double>(count));
        tap_values += tap.values * count;
        tap_records += count;
    }
    Napi::Float64Array taps, tap_times;
    if (tap_count > 0) {
        taps = NewOutputArray(env, "taps", {tap_values, summary.batches});
        tap_times = NewOutputArray(env, "tapTimes", {tap_records});
    }

    std::shared_ptr<MeterState> meters;
    const Napi::Value meters_option = options.Get("meters");
    if (!meters_option.IsUndefined()) {
        meters = MetersWrap::FromValue(ctx, meters_option, "options.meters")->state();
        if (meters->in_use)
            throw MakeAmpError(
                env, BindingError("these meters are in use by another render", AMP_ERR_PENDING));
    }
    std::unique_ptr<ProgressBridge> progress;
    const Napi::Value on_progress = options.Get("onProgress");
    if (!on_progress.IsUndefined()) {
        if (!on_progress.IsFunction())
            ThrowTypeError(env, "render", "options.onProgress", "a function");
        if (!meters) ThrowTypeError(env, "render", "options.meters", "a Meters (with onProgress)");
        progress = std::make_unique<ProgressBridge>(env, on_progress.As<Napi::Function>(), meters);
    }

    auto *worker =
        new RenderWorker(env, state_, frames, samples, heat, over_budget, std::move(history));
    if (!taps.IsEmpty()) {
        worker->SetTaps(taps, tap_times, records);
    }
    if (meters) worker->SetMeters(meters, std::move(progress));
    const Napi::Value partial = options.Get("partial");
    if (!partial.IsUndefined() && BooleanValue(ctx, partial, "options.partial"))
        worker->SetPartial(summary.frames_rendered);
    return QueueOnRuntime(*state_, worker);
}

void RuntimeWrap::RenderInto(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    const ArgContext ctx{info, "renderInto"};
    const Napi::Float64Array buffer = Float64ArrayArg(ctx, 0, "buffer");
    const uint64_t frames = FrameCountArg(ctx, 1, "frames");
    Napi::Float64Array current = CurrentFloat64Array(buffer);
    Check(
        env,
        amp_graph_runtime_execute(handle, frames, current.Data(), current.ElementLength(), nullptr),
        "execute");
}

void RuntimeWrap::Cancel(const Napi::CallbackInfo &) { state_->Cancel(); }

Napi::Value RuntimeWrap::TapInfos(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    const uint32_t count = amp_graph_runtime_tap_count(handle);
    Napi::Array taps = Napi::Array::New(env, count);
    for (uint32_t i = 0; i < count; ++i) {
        AmpTapInfo tap{};
        Check(env, amp_graph_runtime_tap_info(handle, i, &tap), "tap_info");
        Napi::Object object = Napi::Object::New(env);
        object.Set("node", CopyString(tap.node));
        object.Set("name", CopyString(tap.name));
        object.Set("unit", CopyString(tap.unit));
        object.Set("values", static_cast<double>(tap.values));
        object.Set("groupValues", static_cast<double>(tap.group_values));
        Napi::Array names =
            Napi::Array::New(env, tap.value_names != nullptr ? tap.group_values : 0);
        for (uint32_t k = 0; tap.value_names != nullptr && k < tap.group_values; ++k) {
            names.Set(k, CopyString(tap.value_names[k]));
        }
        object.Set("valueNames", names);
        object.Set("period", static_cast<double>(tap.period));
        object.Set("phase", static_cast<double>(tap.phase));
        taps.Set(i, object);
    }
    return taps;
}

Napi::Value RuntimeWrap::NodeNames(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    const uint32_t count = amp_graph_runtime_node_count(handle);
    Napi::Array names = Napi::Array::New(env, count);
    for (uint32_t i = 0; i < count; ++i) {
        names.Set(i, Napi::String::New(env, CopyString(amp_graph_runtime_node_name(handle, i))));
    }
    return names;
}

Napi::Value RuntimeWrap::DescribeNode(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    const ArgContext ctx{info, "describeNode"};
    const std::string node = StringArg(ctx, 0, "node");
    AmpNodeSummary summary{};
    Check(env, amp_graph_runtime_describe_node(handle, node.c_str(), &summary), "describe_node");
    Napi::Object object = Napi::Object::New(env);
    object.Set("name", Napi::String::New(env, CopyString(summary.name)));
    object.Set("type", Napi::String::New(env, CopyString(summary.type_name)));
    object.Set("index", summary.index);
    object.Set("outputChannels", summary.output_channels);
    object.Set("declaredDelayFrames", summary.declared_delay_frames);
    object.Set("oversample", summary.oversample);
    object.Set("measuredDelayFrames", summary.measured_delay_frames);
    object.Set("totalHeat", summary.total_heat);
    object.Set("lastMetrics", MetricsObject(env, summary.last_metrics));
    return object;
}

Napi::Value RuntimeWrap::HeatByBatch(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    AmpGraphSummary summary{};
    Check(env, amp_graph_runtime_describe_graph(handle, &summary), "describe_graph");
    const size_t length = (size_t{summary.node_count} + 1) * size_t{summary.batches};
    Napi::Float64Array out = Napi::Float64Array::New(env, length);
    Check(env, amp_graph_runtime_heat_by_batch(handle, out.Data(), length), "heat_by_batch");
    return out;
}

Napi::Value RuntimeWrap::DescribeGraph(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    AmpGraphSummary summary{};
    Check(env, amp_graph_runtime_describe_graph(handle, &summary), "describe_graph");
    Napi::Object object = Napi::Object::New(env);
    object.Set("nodeCount", summary.node_count);
    object.Set("batches", summary.batches);
    object.Set("blockFrames", summary.block_frames);
    object.Set("outputChannels", summary.output_channels);
    object.Set("sampleRate", summary.sample_rate);
    // Exact up to 2^53 frames (about 5900 years at 48 kHz).
    object.Set("framesRendered", static_cast<double>(summary.frames_rendered));
    object.Set("totalHeat", summary.total_heat);
    object.Set("latencyFrames", summary.latency_frames);
    object.Set("schedulerBlockFrames", summary.scheduler_block_frames);
    object.Set("latencyCompensation", summary.latency_compensation != 0);
    object.Set("thermalBudget", summary.thermal_budget);
    object.Set("framesOverBudget", static_cast<double>(summary.frames_over_budget));
    object.Set("threads", summary.threads);
    object.Set("levels", summary.levels);
    object.Set("parallelLevels", summary.parallel_levels);
    return object;
}

Napi::Value RuntimeWrap::LastError(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    return ErrorInfoObject(env, ReadLastError(handle));
}

Napi::Value RuntimeWrap::ReadLog(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    AmpGraphRuntime *handle = Usable(env);
    const size_t length = amp_graph_runtime_read_log(handle, nullptr, 0);
    std::vector<char> buffer(length + 1, '\0');
    const size_t written = amp_graph_runtime_read_log(handle, buffer.data(), buffer.size());
    return Napi::String::New(env, buffer.data(), written < length ? written : length);
}

void RuntimeWrap::Destroy(const Napi::CallbackInfo &) { state_->Destroy(); }

} // namespace amp_binding
