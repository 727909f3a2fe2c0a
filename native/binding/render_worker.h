// render_worker.h: one amp_graph_runtime_execute call on the libuv thread pool.
//
// Everything the call reads or writes is prepared on the JS thread before the worker is queued:
// the output arrays (allocated by the caller, kept alive by references held here and written
// in place, so the result reaches JS without a copy), the history copy, the cancel flag (in the
// shared RuntimeState). The promise resolves with {samples, heat?, overBudget?} or rejects with the
// error built from the runtime's last error (code -6, AMP_ERR_CANCELLED, after cancel()).
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "errors.h"
#include "history.h"
#include "progress.h"
#include "runtime_state.h"

namespace amp_binding {

class RenderWorker : public Napi::AsyncWorker {
  public:
    // `heat` and `over_budget` may be empty (not recorded); `history` may be null. The caller
    // has already called state->BeginRender() and calls Queue() next.
    RenderWorker(Napi::Env env, std::shared_ptr<RuntimeState> state, uint64_t frames,
                 Napi::Float64Array samples, Napi::Float64Array heat, Napi::Uint8Array over_budget,
                 std::unique_ptr<HistoryCopy> history);
    ~RenderWorker() override;
    // The tap buffers (AmpRenderOptions::tap_out, tap_time_out), resolved as `taps` and
    // `tapTimes`, with `tapRecords` (records per tap); call before Queue().
    void SetTaps(Napi::Float64Array taps, Napi::Float64Array times, Napi::Array records);
    // Meters the render accumulates into (marked in use until it settles) and an optional
    // progress bridge; call before Queue().
    void SetMeters(std::shared_ptr<MeterState> meters, std::unique_ptr<ProgressBridge> progress);
    // A cancelled render resolves (instead of rejecting) with its arrays, `cancelled: true` and
    // `framesDone` (frames written, from the runtime's frame counter, which read
    // `frames_before` when the render was queued); call before Queue().
    void SetPartial(uint64_t frames_before) {
        partial_ = true;
        frames_before_ = frames_before;
    }

    Napi::Promise Promise() const { return deferred_.Promise(); }

  protected:
    void Execute() override;
    void OnOK() override;
    void OnError(const Napi::Error &error) override;

  private:
    // Ends the render on the state, then resolves or rejects; never throws.
    void Settle(Napi::Env env, const ErrorInfo *failure);

    Napi::Promise::Deferred deferred_;
    std::shared_ptr<RuntimeState> state_;
    AmpGraphRuntime *handle_;
    uint64_t frames_;
    Napi::Reference<Napi::Float64Array> samples_;
    Napi::Reference<Napi::Float64Array> heat_;
    double *samples_data_;
    uint64_t samples_len_;
    double *heat_data_;
    uint64_t heat_len_;
    Napi::Reference<Napi::Uint8Array> over_budget_;
    Napi::Reference<Napi::Float64Array> taps_;
    double *taps_data_ = nullptr;
    uint64_t taps_len_ = 0;
    Napi::Reference<Napi::Float64Array> tap_times_;
    double *tap_times_data_ = nullptr;
    uint64_t tap_times_len_ = 0;
    Napi::Reference<Napi::Array> tap_records_;
    // With a partial stop: the records each tap published in the frames rendered.
    Napi::Reference<Napi::Array> records_done_;
    uint8_t *over_budget_data_ = nullptr;
    uint64_t over_budget_len_ = 0;
    std::unique_ptr<HistoryCopy> history_;
    std::shared_ptr<MeterState> meters_;
    std::unique_ptr<ProgressBridge> progress_;
    int32_t status_ = AMP_ERR_INTERNAL;
    bool settled_ = false;
    bool partial_ = false;
    uint64_t frames_before_ = 0;
    uint64_t frames_done_ = 0;
    bool cancelled_ = false;
};

} // namespace amp_binding
