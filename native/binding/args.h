// args.h: argument TYPE checks of the addon's entry points.
//
// The addon validates types only; values (ranges, shapes, names) are validated in TypeScript and
// by the runtime. A "type" here includes the C type the value is handed to: a uint32 argument
// must be an integer number in [0, 2^32 - 1], a frame count an integer in [0, 2^53 - 1], so that
// no conversion is lossy. Each check throws a TypeError naming the method and the argument, e.g.
//   render: argument "frames" must be an integer in [0, 9007199254740991]
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace amp_binding {

struct ArgContext {
    const Napi::CallbackInfo &info;
    const char *method;
};

// Throws `<method>: argument "<argument>" must be <expected>`.
[[noreturn]] void ThrowTypeError(Napi::Env env, const char *method, const std::string &argument,
                                 const std::string &expected);

std::string StringArg(const ArgContext &ctx, size_t index, const char *name);
uint32_t Uint32Arg(const ArgContext &ctx, size_t index, const char *name);
int32_t Int32Arg(const ArgContext &ctx, size_t index, const char *name);
double NumberArg(const ArgContext &ctx, size_t index, const char *name);
uint64_t FrameCountArg(const ArgContext &ctx, size_t index, const char *name);
Napi::Float64Array Float64ArrayArg(const ArgContext &ctx, size_t index, const char *name);
Napi::Object ObjectArg(const ArgContext &ctx, size_t index, const char *name);
// A Uint8Array argument (e.g. a snapshot), or a TypeError naming it.
Napi::Uint8Array Uint8ArrayArg(const ArgContext &ctx, size_t index, const char *name);
Napi::Function FunctionArg(const ArgContext &ctx, size_t index, const char *name);

// Checks of values already extracted (object properties, array elements); `name` is the path
// shown in the message, e.g. "options.history[2].values".
std::string StringValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name);
uint32_t Uint32Value(const ArgContext &ctx, const Napi::Value &value, const std::string &name);
bool BooleanValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name);
Napi::Float64Array Float64ArrayValue(const ArgContext &ctx, const Napi::Value &value,
                                     const std::string &name);
Napi::Object ObjectValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name);
Napi::Array ArrayValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name);
uint64_t FrameCountValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name);

// The array as it is now. node-addon-api reads a typed array's data pointer and length once, when
// the handle is made; any JS that ran since (a getter of the caller's object) may have detached
// or shrunk its buffer (resizable ArrayBuffer). Take pointers and lengths from this, after the
// last user code ran and right before native code reads the memory.
Napi::Float64Array CurrentFloat64Array(const Napi::Float64Array &array);

// The one memory-safety check on values: a buffer handed to the runtime as a
// batches x channels x frames tensor must hold exactly that many doubles, or the runtime would
// read out of bounds. Throws a RangeError
//   <method>: argument "<name>" has <length> values but batches x channels x frames is B x C x F
void CheckTensorLength(const ArgContext &ctx, size_t length, const std::string &name,
                       uint32_t batches, uint32_t channels, uint32_t frames);

} // namespace amp_binding
