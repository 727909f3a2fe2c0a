// progress.cpp: see progress.h.
#include "progress.h"

#include <cmath>
#include <utility>

namespace amp_binding {

namespace {

constexpr napi_type_tag kMetersTag = {0x616d706b706e0002ull, 0x4d65746572730001ull};

} // namespace

MeterState::MeterState(uint32_t lanes, double interval)
    : arrays((4 + 8) * static_cast<size_t>(lanes), 0.0), interval_seconds(interval) {
    meters.lanes = lanes;
    meters.peak = arrays.data();
    meters.energy = arrays.data() + lanes;
    meters.window_peak = arrays.data() + 2 * static_cast<size_t>(lanes);
    meters.window_energy = arrays.data() + 3 * static_cast<size_t>(lanes);
    meters.energy_lanes = arrays.data() + 4 * static_cast<size_t>(lanes); // lanes x 8
    last_event = std::chrono::steady_clock::now();
}

Napi::Function MetersWrap::DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<MetersWrap>::DefineClass(env, "Meters",
                                                     {InstanceMethod<&MetersWrap::Read>("read")});
}

MetersWrap *MetersWrap::FromValue(const ArgContext &ctx, const Napi::Value &value,
                                  const std::string &name) {
    if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kMetersTag))
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a Meters");
    return Unwrap(value.As<Napi::Object>());
}

// new Meters(lanes: uint32 >= 1, intervalMs: number >= 0)
MetersWrap::MetersWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<MetersWrap>(info) {
    const ArgContext ctx{info, "Meters"};
    const uint32_t lanes = Uint32Arg(ctx, 0, "lanes");
    const double interval_ms = NumberArg(ctx, 1, "intervalMs");
    if (lanes == 0) ThrowTypeError(info.Env(), "Meters", "lanes", "an integer >= 1");
    if (!(interval_ms >= 0.0) || !std::isfinite(interval_ms))
        ThrowTypeError(info.Env(), "Meters", "intervalMs", "a finite number >= 0");
    state_ = std::make_shared<MeterState>(lanes, interval_ms / 1000.0);
    info.This().As<Napi::Object>().TypeTag(&kMetersTag);
}

Napi::Value MetersWrap::Read(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!info.This().IsObject() || !info.This().As<Napi::Object>().CheckTypeTag(&kMetersTag))
        throw Napi::TypeError::New(env, "Meters.read: the receiver must be a Meters");
    if (state_->in_use) throw Napi::Error::New(env, "Meters.read: a render is using these meters");
    const AmpMeters &m = state_->meters;
    Napi::Float64Array peak = Napi::Float64Array::New(env, m.lanes);
    Napi::Float64Array rms = Napi::Float64Array::New(env, m.lanes);
    for (uint32_t l = 0; l < m.lanes; ++l) {
        peak[l] = m.peak[l];
        rms[l] = m.frames > 0 ? std::sqrt(m.energy[l] / static_cast<double>(m.frames)) : 0.0;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("frames", static_cast<double>(m.frames));
    out.Set("nonFinite", static_cast<double>(m.nonfinite));
    out.Set("peak", peak);
    out.Set("rms", rms);
    return out;
}

ProgressBridge::ProgressBridge(Napi::Env env, Napi::Function callback,
                               std::shared_ptr<MeterState> meters)
    : meters_(std::move(meters)), shared_(std::make_shared<Shared>()) {
    const uint32_t lanes = meters_->meters.lanes;
    shared_->pending.peak.assign(lanes, 0.0);
    shared_->pending.rms.assign(lanes, 0.0);
    shared_->callback = Napi::Persistent(callback);
    auto *context = new std::shared_ptr<Shared>(shared_);
    try {
        tsfn_ = Tsfn::New(env, callback, "amp_kpn:progress", 0, 1, context,
                          [](Napi::Env, void *, std::shared_ptr<Shared> *ctx) { delete ctx; });
    } catch (...) {
        delete context;
        throw;
    }
}

ProgressBridge::~ProgressBridge() {
    if (!released_) tsfn_.Release();
}

void ProgressBridge::OnReport(void *user, const AmpProgressReport *report) {
    auto *self = static_cast<ProgressBridge *>(user);
    MeterState &state = *self->meters_;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - state.last_event).count() < state.interval_seconds)
        return;
    state.last_event = now;
    AmpMeters &m = state.meters;
    bool queue = false;
    {
        std::lock_guard<std::mutex> lock(self->shared_->mutex);
        Event &event = self->shared_->pending;
        event.position = report->position;
        event.call_done = report->call_done;
        event.call_frames = report->call_frames;
        event.heat_total = report->heat_total;
        event.meter_frames = m.frames;
        event.nonfinite = m.nonfinite;
        const double n = static_cast<double>(m.window_frames);
        for (uint32_t l = 0; l < m.lanes; ++l) {
            event.peak[l] = m.window_peak[l];
            event.rms[l] = m.window_frames > 0 ? std::sqrt(m.window_energy[l] / n) : 0.0;
            m.window_peak[l] = 0.0;
            m.window_energy[l] = 0.0;
        }
        m.window_frames = 0;
        self->shared_->has_pending = true;
        queue = !self->shared_->queued;
        self->shared_->queued = true;
    }
    if (queue) self->tsfn_.NonBlockingCall();
}

void ProgressBridge::Shared::Deliver(Napi::Env env) {
    Event event;
    {
        std::lock_guard<std::mutex> lock(mutex);
        queued = false;
        if (!has_pending) return;
        has_pending = false;
        event = pending;
    }
    if (callback.IsEmpty()) return;
    Napi::Object object = Napi::Object::New(env);
    object.Set("position", static_cast<double>(event.position));
    object.Set("callDone", static_cast<double>(event.call_done));
    object.Set("callFrames", static_cast<double>(event.call_frames));
    object.Set("heatTotal", event.heat_total);
    object.Set("meterFrames", static_cast<double>(event.meter_frames));
    object.Set("nonFinite", static_cast<double>(event.nonfinite));
    // Plain arrays, not Float64Arrays: an event allocates no ArrayBuffer backing store (V8 may
    // force a young-generation GC on such an allocation while a render's large output array is
    // young), and the JS side copies the values into arrays anyway.
    Napi::Array peak = Napi::Array::New(env, event.peak.size());
    Napi::Array rms = Napi::Array::New(env, event.rms.size());
    for (size_t l = 0; l < event.peak.size(); ++l) {
        peak.Set(static_cast<uint32_t>(l), event.peak[l]);
        rms.Set(static_cast<uint32_t>(l), event.rms[l]);
    }
    object.Set("peak", peak);
    object.Set("rms", rms);
    callback.Call({object});
}

void ProgressBridge::CallJs(Napi::Env env, Napi::Function, std::shared_ptr<Shared> *context,
                            void *) {
    if (env == nullptr || context == nullptr) return; // the environment is shutting down
    try {
        (*context)->Deliver(env);
    } catch (const Napi::Error &error) {
        // The callback threw: report it like any uncaught error of an event callback.
        error.ThrowAsJavaScriptException();
    }
}

void ProgressBridge::Settle(Napi::Env env) {
    if (released_) return;
    released_ = true;
    tsfn_.Release();
    shared_->Deliver(env);
}

} // namespace amp_binding
