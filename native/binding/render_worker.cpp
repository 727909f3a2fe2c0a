// render_worker.cpp: the asynchronous render (see render_worker.h).
#include "render_worker.h"

#include "errors.h"
#include "settle.h"

namespace amp_binding {

RenderWorker::RenderWorker(Napi::Env env, std::shared_ptr<RuntimeState> state, uint64_t frames,
                           Napi::Float64Array samples, Napi::Float64Array heat,
                           Napi::Uint8Array over_budget, std::unique_ptr<HistoryCopy> history)
    : Napi::AsyncWorker(env, "amp_kpn:render"), deferred_(Napi::Promise::Deferred::New(env)),
      state_(std::move(state)), handle_(state_->handle()), frames_(frames),
      samples_(Napi::Persistent(samples)), samples_data_(samples.Data()),
      samples_len_(samples.ElementLength()), heat_data_(nullptr), heat_len_(0),
      history_(std::move(history)) {
    if (!heat.IsEmpty()) {
        heat_ = Napi::Persistent(heat);
        heat_data_ = heat.Data();
        heat_len_ = heat.ElementLength();
    }
    if (!over_budget.IsEmpty()) {
        over_budget_ = Napi::Persistent(over_budget);
        over_budget_data_ = over_budget.Data();
        over_budget_len_ = over_budget.ElementLength();
    }
}

void RenderWorker::SetTaps(Napi::Float64Array taps, Napi::Float64Array times, Napi::Array records) {
    taps_ = Napi::Persistent(taps);
    taps_data_ = taps.Data();
    taps_len_ = taps.ElementLength();
    tap_times_ = Napi::Persistent(times);
    tap_times_data_ = times.Data();
    tap_times_len_ = times.ElementLength();
    tap_records_ = Napi::Persistent(records);
}

void RenderWorker::SetMeters(std::shared_ptr<MeterState> meters,
                             std::unique_ptr<ProgressBridge> progress) {
    meters_ = std::move(meters);
    progress_ = std::move(progress);
    meters_->in_use = true;
}

RenderWorker::~RenderWorker() {
    // Reached without Settle() only when the work was never completed (environment teardown):
    // the render is over either way, so the state may release a deferred destroy.
    if (!settled_) {
        state_->EndRender();
        if (meters_) meters_->in_use = false;
    }
}

void RenderWorker::Execute() {
    AmpRenderOptions options{};
    options.heat_out = heat_data_;
    options.heat_len = heat_len_;
    options.over_budget_out = over_budget_data_;
    options.over_budget_len = over_budget_len_;
    options.tap_out = taps_data_;
    options.tap_len = taps_len_;
    options.tap_time_out = tap_times_data_;
    options.tap_time_len = tap_times_len_;
    options.cancel_flag = state_->cancel_flag();
    options.history = history_ ? history_->view() : nullptr;
    if (meters_) options.meters = &meters_->meters;
    if (progress_) {
        options.progress = ProgressBridge::OnReport;
        options.progress_user = progress_.get();
    }
    status_ = amp_graph_runtime_execute(handle_, frames_, samples_data_, samples_len_, &options);
}

void RenderWorker::OnOK() {
    if (status_ == AMP_OK) {
        Settle(Env(), nullptr);
        return;
    }
    if (status_ == AMP_ERR_CANCELLED && partial_) {
        AmpGraphSummary summary{};
        if (amp_graph_runtime_describe_graph(handle_, &summary) == AMP_OK &&
            summary.frames_rendered >= frames_before_) {
            cancelled_ = true;
            frames_done_ = summary.frames_rendered - frames_before_;
            // Tap i's records in the frames rendered: its records in the whole span less those
            // the frames not rendered would have published (the runtime now stands at their start).
            if (!tap_records_.IsEmpty()) {
                Napi::Env env = Env();
                const Napi::Array all = tap_records_.Value();
                records_done_ = Napi::Persistent(Napi::Array::New(env, all.Length()));
                for (uint32_t i = 0; i < all.Length(); ++i) {
                    const double span = all.Get(i).As<Napi::Number>().DoubleValue();
                    const uint64_t rest =
                        amp_graph_runtime_tap_records(handle_, i, frames_ - frames_done_);
                    records_done_.Value().Set(i, span - static_cast<double>(rest));
                }
            }
            Settle(Env(), nullptr);
            return;
        }
    }
    // Read before Settle(): ending the render may release the handle (deferred destroy).
    ErrorInfo failure;
    try {
        failure = LastErrorFor(handle_, status_, "execute");
    } catch (...) {
        failure.code = status_;
        failure.stage = "execute";
    }
    Settle(Env(), &failure);
}

void RenderWorker::OnError(const Napi::Error &error) {
    const ErrorInfo failure = WorkerFailure(error, "render worker failed");
    Settle(Env(), &failure);
}

void RenderWorker::Settle(Napi::Env env, const ErrorInfo *failure) {
    settled_ = true;
    state_->EndRender();
    if (meters_) meters_->in_use = false;
    SettlePromise(
        env, deferred_, progress_.get(), failure,
        [this](Napi::Env e) {
            Napi::Object result = Napi::Object::New(e);
            result.Set("samples", samples_.Value());
            if (!heat_.IsEmpty()) result.Set("heat", heat_.Value());
            if (!over_budget_.IsEmpty()) result.Set("overBudget", over_budget_.Value());
            if (!taps_.IsEmpty()) {
                result.Set("taps", taps_.Value());
                result.Set("tapTimes", tap_times_.Value());
                result.Set("tapRecords", tap_records_.Value());
            }
            if (cancelled_) {
                result.Set("cancelled", true);
                result.Set("framesDone", static_cast<double>(frames_done_));
                if (!records_done_.IsEmpty()) result.Set("tapRecordsDone", records_done_.Value());
            }
            return result;
        },
        "render");
}

} // namespace amp_binding
