// progress.h: live progress and meters of renders (AmpMeters, AmpProgressCallback).
//
// `Meters` (JS: new Meters(lanes, intervalMs)) owns one AmpMeters and the time of its last
// progress event; a host passes the same object to every render call of one job (a streamed
// render is many calls), so meters and event coalescing span the job. read() gives the running
// peak / RMS per lane, frames and non-finite count; it throws while a render uses the object.
//
// ProgressBridge forwards the runtime's per-block callback to a JS function: on the rendering
// thread it keeps at most one pending event (latest position, the meters' window as peak / RMS,
// then clears the window) and emits only when `intervalMs` passed since the previous event, so
// JS sees at most ~1000 / intervalMs events a second whatever the block size; on the JS thread
// the event is delivered through a thread-safe function. Settle() delivers a pending event
// synchronously before the render's promise settles, then releases the thread-safe function.
// Nothing on the rendering thread allocates.
#pragma once

#include <napi.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "amp_native.h"
#include "args.h"

namespace amp_binding {

struct MeterState {
    explicit MeterState(uint32_t lanes, double interval_seconds);
    void Clear();

    std::vector<double>
        arrays; // peak, energy, window peak, window energy: lanes each; energy lanes: 8 x lanes
    AmpMeters meters{};
    double interval_seconds;
    std::chrono::steady_clock::time_point last_event;
    bool in_use = false; // a render holds it (set and cleared on the JS thread)
};

class MetersWrap : public Napi::ObjectWrap<MetersWrap> {
  public:
    static Napi::Function DefineClass(Napi::Env env);
    // The Meters in `value`, or a TypeError naming the argument.
    static MetersWrap *FromValue(const ArgContext &ctx, const Napi::Value &value,
                                 const std::string &name);
    explicit MetersWrap(const Napi::CallbackInfo &info);
    const std::shared_ptr<MeterState> &state() const { return state_; }

  private:
    // read(): {frames, nonFinite, peak: Float64Array, rms: Float64Array}.
    Napi::Value Read(const Napi::CallbackInfo &info);
    std::shared_ptr<MeterState> state_;
};

class ProgressBridge {
  public:
    // Call on the JS thread, before the render is queued.
    ProgressBridge(Napi::Env env, Napi::Function callback, std::shared_ptr<MeterState> meters);
    ~ProgressBridge();
    ProgressBridge(const ProgressBridge &) = delete;
    ProgressBridge &operator=(const ProgressBridge &) = delete;

    // The AmpProgressCallback (user = this).
    static void OnReport(void *user, const AmpProgressReport *report);
    // JS thread, once the render finished: delivers a pending event, releases the function.
    void Settle(Napi::Env env);

  private:
    struct Event {
        uint64_t position = 0, call_done = 0, call_frames = 0, meter_frames = 0, nonfinite = 0;
        double heat_total = 0.0;
        std::vector<double> peak, rms; // the window since the previous event, per lane
    };
    struct Shared {
        std::mutex mutex;
        Event pending;
        bool has_pending = false;
        bool queued = false;
        Napi::FunctionReference callback;
        // Moves the pending event out (JS thread) and calls the callback with it.
        void Deliver(Napi::Env env);
    };
    static void CallJs(Napi::Env env, Napi::Function callback, std::shared_ptr<Shared> *context,
                       void *data);
    using Tsfn = Napi::TypedThreadSafeFunction<std::shared_ptr<Shared>, void, CallJs>;

    std::shared_ptr<MeterState> meters_;
    std::shared_ptr<Shared> shared_;
    Tsfn tsfn_;
    bool released_ = false;
};

} // namespace amp_binding
