// settle.h: how an asynchronous worker ends its promise (RenderWorker, WorkWorker).
//
// Contract: the last progress event reaches JavaScript before the promise settles; the promise
// is resolved with make_result(env) when `failure` is null and rejected with the AmpError of
// `failure` otherwise; nothing here throws (at environment teardown there is no one left to
// notify, and a throwing progress callback is ignored: the TypeScript layer wraps user callbacks).
#pragma once

#include <napi.h>

#include <string>

#include "errors.h"
#include "progress.h"

namespace amp_binding {

// The failure an AsyncWorker's OnError reports: AMP_ERR_INTERNAL at stage "binding", with
// N-API's message (or `fallback_detail` when even that cannot be read).
ErrorInfo WorkerFailure(const Napi::Error &error, const char *fallback_detail);

// Rejects `deferred` with `error` (when given) or with a plain Error saying `what` settlement
// failed; never throws.
void RejectQuietly(Napi::Env env, Napi::Promise::Deferred &deferred, const Napi::Error *error,
                   const char *what);

template <typename MakeResult>
void SettlePromise(Napi::Env env, Napi::Promise::Deferred &deferred, ProgressBridge *progress,
                   const ErrorInfo *failure, MakeResult make_result, const char *what) {
    if (progress != nullptr) {
        try {
            progress->Settle(env);
        } catch (...) {
        }
    }
    try {
        if (failure == nullptr)
            deferred.Resolve(make_result(env));
        else
            deferred.Reject(MakeAmpError(env, *failure).Value());
    } catch (const Napi::Error &error) {
        RejectQuietly(env, deferred, &error, what);
    } catch (...) {
        RejectQuietly(env, deferred, nullptr, what);
    }
}

} // namespace amp_binding
