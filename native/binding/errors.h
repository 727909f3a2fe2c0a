// errors.h: the error the addon throws (or rejects a render with) for every native failure.
//
// Thrown values are instances of the class registered with setErrorClass(), constructed as
//   new ErrorClass(message, { code, codeName, stage, node, detail })
// where code is the numeric status (-1 ... -7) and codeName its stable name (amp_status_name).
// message is detail, or "<codeName> during <stage>" (plus the node) when detail is empty.
// Before a class is registered a plain Error carrying the same fields is thrown instead
// (code = codeName and status = the number, mirroring the TypeScript error class).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "amp_native.h"

namespace amp_binding {

// A copy of AmpErrorView (the runtime's strings are only valid until its next failing call).
struct ErrorInfo {
    int32_t code = AMP_OK;
    std::string stage;
    std::string node;
    std::string detail;
};

// amp_status_name(status) as a string; never null.
std::string StatusName(int32_t status);

// The runtime's last error when it describes `status`; otherwise (the failing call recorded
// none) {status, fallback_stage, "", ""}.
ErrorInfo LastErrorFor(const AmpGraphRuntime *runtime, int32_t status, const char *fallback_stage);

// The runtime's last error as recorded (AMP_OK and empty strings when nothing failed).
ErrorInfo ReadLastError(const AmpGraphRuntime *runtime);

// The calling thread's last amp_run_node / amp_run_node_v2 failure (amp_run_node_last_error)
// when it describes `status`; otherwise {status, fallback_stage, "", ""}.
ErrorInfo NodeCallErrorFor(int32_t status, const char *fallback_stage);

// An error raised by the binding itself: stage "binding", code AMP_ERR_INVALID_ARGUMENT unless
// given (AMP_ERR_INTERNAL for a runtime answer the binding cannot use).
ErrorInfo BindingError(const std::string &detail, int32_t code = AMP_ERR_INVALID_ARGUMENT);

// The JS error value for `info` (an instance of the registered class).
Napi::Error MakeAmpError(Napi::Env env, const ErrorInfo &info);

// {code, stage, node, detail}: the NativeErrorInfo shape returned by lastError().
Napi::Object ErrorInfoObject(Napi::Env env, const ErrorInfo &info);

} // namespace amp_binding
