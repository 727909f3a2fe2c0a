// work_worker.h: long C calls other than renders (analysis calls, backward passes) on the libuv
// thread pool, with progress and a cooperative cancel flag (AmpWorkOptions).
//
// A WorkJob holds everything its C call reads or writes, prepared on the JS thread (typed
// arrays kept alive by references and written in place, copied strings, a plan). The worker
// runs it with the cancel flag and a ProgressBridge (same coalescing as renders, no meters),
// then resolves with the job's result or rejects with the AmpError of the call's failure
// (code -6, AMP_ERR_CANCELLED, after the flag was raised). Run synchronously (no work object),
// the same job runs on the JS thread and its failure is thrown.
//
// CancelFlag (JS: new CancelFlag(); flag.raise()) is the flag of one asynchronous call; the
// worker shares it, so the JS object may be collected while the call runs.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "amp_native.h"
#include "args.h"
#include "errors.h"
#include "progress.h"

namespace amp_binding {

class WorkJob {
  public:
    virtual ~WorkJob() = default;
    // Runs the C call (worker thread, or the JS thread when synchronous) and returns its status;
    // on failure fills `failure` on the same thread (the analysis last error is per thread).
    virtual int32_t Run(const AmpWorkOptions &work, ErrorInfo &failure) = 0;
    // JS thread, after AMP_OK: the value the call returns or the promise resolves with.
    virtual Napi::Value Result(Napi::Env env) = 0;
    // JS thread, once the asynchronous call is over (before the promise settles).
    virtual void Over() {}
};

// The shared state behind a CancelFlag.
struct CancelState {
    volatile int32_t flag = 0;
};

class CancelFlagWrap : public Napi::ObjectWrap<CancelFlagWrap> {
  public:
    static Napi::Function DefineClass(Napi::Env env);
    // The CancelFlag in `value`, or a TypeError naming the argument.
    static CancelFlagWrap *FromValue(const ArgContext &ctx, const Napi::Value &value,
                                     const std::string &name);
    explicit CancelFlagWrap(const Napi::CallbackInfo &info);
    const std::shared_ptr<CancelState> &state() const { return state_; }

  private:
    // raise(): the call using this flag stops at its next unit of work.
    void Raise(const Napi::CallbackInfo &info);
    std::shared_ptr<CancelState> state_;
};

// The options of an asynchronous call: `work` = {cancel?: CancelFlag, onProgress?: function,
// intervalMs: number >= 0} (cancel required unless `cancel_flag` is given by the caller, e.g. a
// runtime's own flag).
struct WorkArgs {
    std::shared_ptr<CancelState> cancel;      // null when the caller owns the flag
    std::unique_ptr<ProgressBridge> progress; // null without onProgress
};
WorkArgs WorkArg(const ArgContext &ctx, const Napi::Value &value, const std::string &name,
                 bool needs_cancel);

class WorkWorker : public Napi::AsyncWorker {
  public:
    // `cancel_flag` is read by the C call; `args.cancel` (when set) keeps it alive.
    WorkWorker(Napi::Env env, const char *name, std::unique_ptr<WorkJob> job,
               const volatile int32_t *cancel_flag, WorkArgs args);
    ~WorkWorker() override;
    Napi::Promise Promise() const { return deferred_.Promise(); }

  protected:
    void Execute() override;
    void OnOK() override;
    void OnError(const Napi::Error &error) override;

  private:
    void Settle(Napi::Env env, const ErrorInfo *failure);

    Napi::Promise::Deferred deferred_;
    std::unique_ptr<WorkJob> job_;
    const volatile int32_t *cancel_flag_;
    std::shared_ptr<CancelState> cancel_;
    std::unique_ptr<ProgressBridge> progress_;
    int32_t status_ = AMP_ERR_INTERNAL;
    ErrorInfo failure_;
    bool settled_ = false;
};

// The optional `work` argument at `index` (read before anything else of the call, so that no
// user code runs between taking typed-array pointers and the call).
std::optional<WorkArgs> OptionalWorkArg(const ArgContext &ctx, size_t index);

// Runs `job` synchronously without `work` (returning its result or throwing its failure), else
// queues it on a worker with the flag of `work.cancel` and returns the promise.
Napi::Value RunWork(Napi::Env env, std::optional<WorkArgs> work, const char *name,
                    std::unique_ptr<WorkJob> job);

} // namespace amp_binding
