// settle.cpp: see settle.h.
#include "settle.h"

namespace amp_binding {

ErrorInfo WorkerFailure(const Napi::Error &error, const char *fallback_detail) {
    ErrorInfo failure;
    failure.code = AMP_ERR_INTERNAL;
    failure.stage = "binding";
    try {
        failure.detail = error.Message();
    } catch (...) {
        failure.detail = fallback_detail;
    }
    return failure;
}

void RejectQuietly(Napi::Env env, Napi::Promise::Deferred &deferred, const Napi::Error *error,
                   const char *what) {
    try {
        if (error != nullptr)
            deferred.Reject(error->Value());
        else
            deferred.Reject(
                Napi::Error::New(env, std::string("amp_kpn: ") + what + " settlement failed")
                    .Value());
    } catch (...) {
        // The environment is shutting down; nothing is left to notify.
    }
}

} // namespace amp_binding
