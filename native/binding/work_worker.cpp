// work_worker.cpp: see work_worker.h.
#include "work_worker.h"

#include <cmath>
#include <utility>

#include "settle.h"

namespace amp_binding {

namespace {

constexpr napi_type_tag kCancelFlagTag = {0x616d706b706e0003ull, 0x43616e63656c0001ull};

} // namespace

Napi::Function CancelFlagWrap::DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<CancelFlagWrap>::DefineClass(
        env, "CancelFlag", {InstanceMethod<&CancelFlagWrap::Raise>("raise")});
}

CancelFlagWrap *CancelFlagWrap::FromValue(const ArgContext &ctx, const Napi::Value &value,
                                          const std::string &name) {
    if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kCancelFlagTag))
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a CancelFlag");
    return Unwrap(value.As<Napi::Object>());
}

CancelFlagWrap::CancelFlagWrap(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<CancelFlagWrap>(info), state_(std::make_shared<CancelState>()) {
    info.This().As<Napi::Object>().TypeTag(&kCancelFlagTag);
}

void CancelFlagWrap::Raise(const Napi::CallbackInfo &info) {
    if (!info.This().IsObject() || !info.This().As<Napi::Object>().CheckTypeTag(&kCancelFlagTag))
        throw Napi::TypeError::New(info.Env(),
                                   "CancelFlag.raise: the receiver must be a CancelFlag");
    state_->flag = 1;
}

WorkArgs WorkArg(const ArgContext &ctx, const Napi::Value &value, const std::string &name,
                 bool needs_cancel) {
    Napi::Env env = ctx.info.Env();
    const Napi::Object object = ObjectValue(ctx, value, name);
    WorkArgs args;
    if (needs_cancel)
        args.cancel =
            CancelFlagWrap::FromValue(ctx, object.Get("cancel"), name + ".cancel")->state();
    const Napi::Value on_progress = object.Get("onProgress");
    if (!on_progress.IsUndefined()) {
        if (!on_progress.IsFunction())
            ThrowTypeError(env, ctx.method, name + ".onProgress", "a function");
        const Napi::Value interval = object.Get("intervalMs");
        const double interval_ms =
            interval.IsNumber() ? interval.As<Napi::Number>().DoubleValue() : -1.0;
        if (!(interval_ms >= 0.0) || !std::isfinite(interval_ms))
            ThrowTypeError(env, ctx.method, name + ".intervalMs", "a finite number >= 0");
        // No output levels: a meter state of no lanes only times the coalescing.
        args.progress = std::make_unique<ProgressBridge>(
            env, on_progress.As<Napi::Function>(),
            std::make_shared<MeterState>(0u, interval_ms / 1000.0));
    }
    return args;
}

WorkWorker::WorkWorker(Napi::Env env, const char *name, std::unique_ptr<WorkJob> job,
                       const volatile int32_t *cancel_flag, WorkArgs args)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)),
      job_(std::move(job)), cancel_flag_(cancel_flag), cancel_(std::move(args.cancel)),
      progress_(std::move(args.progress)) {}

WorkWorker::~WorkWorker() {
    // Reached without Settle() only at environment teardown: the call is over either way.
    if (!settled_ && job_) job_->Over();
}

void WorkWorker::Execute() {
    AmpWorkOptions work{};
    work.cancel_flag = cancel_flag_;
    if (progress_) {
        work.progress = ProgressBridge::OnReport;
        work.progress_user = progress_.get();
    }
    status_ = job_->Run(work, failure_);
}

void WorkWorker::OnOK() { Settle(Env(), status_ == AMP_OK ? nullptr : &failure_); }

void WorkWorker::OnError(const Napi::Error &error) {
    const ErrorInfo failure = WorkerFailure(error, "work worker failed");
    Settle(Env(), &failure);
}

void WorkWorker::Settle(Napi::Env env, const ErrorInfo *failure) {
    settled_ = true;
    job_->Over();
    SettlePromise(
        env, deferred_, progress_.get(), failure, [this](Napi::Env e) { return job_->Result(e); },
        "work");
}

std::optional<WorkArgs> OptionalWorkArg(const ArgContext &ctx, size_t index) {
    if (ctx.info[index].IsUndefined()) return std::nullopt;
    return WorkArg(ctx, ctx.info[index], "work", true);
}

Napi::Value RunWork(Napi::Env env, std::optional<WorkArgs> work, const char *name,
                    std::unique_ptr<WorkJob> job) {
    if (!work) {
        ErrorInfo failure;
        const AmpWorkOptions none{};
        if (job->Run(none, failure) != AMP_OK) throw MakeAmpError(env, failure);
        return job->Result(env);
    }
    const volatile int32_t *flag = &work->cancel->flag;
    auto *worker = new WorkWorker(env, name, std::move(job), flag, std::move(*work));
    const Napi::Promise promise = worker->Promise();
    try {
        worker->Queue();
    } catch (...) {
        delete worker;
        throw;
    }
    return promise;
}

} // namespace amp_binding
