// args.cpp: argument type checks (see args.h).
#include "args.h"

#include <cmath>

namespace amp_binding {

namespace {

constexpr double kMaxUint32 = 4294967295.0;
constexpr double kMaxSafeInteger = 9007199254740991.0; // 2^53 - 1

bool IsIntegerIn(const Napi::Value &value, double low, double high) {
    if (!value.IsNumber()) {
        return false;
    }
    const double number = value.As<Napi::Number>().DoubleValue();
    return std::isfinite(number) && std::floor(number) == number && number >= low && number <= high;
}

} // namespace

void ThrowTypeError(Napi::Env env, const char *method, const std::string &argument,
                    const std::string &expected) {
    throw Napi::TypeError::New(env, std::string(method) + ": argument \"" + argument +
                                        "\" must be " + expected);
}

std::string StringValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name) {
    if (!value.IsString()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a string");
    }
    return value.As<Napi::String>().Utf8Value();
}

uint32_t Uint32Value(const ArgContext &ctx, const Napi::Value &value, const std::string &name) {
    if (!IsIntegerIn(value, 0.0, kMaxUint32)) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "an integer in [0, 4294967295]");
    }
    return value.As<Napi::Number>().Uint32Value();
}

bool BooleanValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name) {
    if (!value.IsBoolean()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a boolean");
    }
    return value.As<Napi::Boolean>().Value();
}

Napi::Float64Array Float64ArrayValue(const ArgContext &ctx, const Napi::Value &value,
                                     const std::string &name) {
    if (!value.IsTypedArray() ||
        value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a Float64Array");
    }
    return value.As<Napi::Float64Array>();
}

Napi::Object ObjectValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name) {
    if (!value.IsObject() || value.IsArray() || value.IsFunction()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "an object");
    }
    return value.As<Napi::Object>();
}

Napi::Array ArrayValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name) {
    if (!value.IsArray()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "an array");
    }
    return value.As<Napi::Array>();
}

uint64_t FrameCountValue(const ArgContext &ctx, const Napi::Value &value, const std::string &name) {
    if (!IsIntegerIn(value, 0.0, kMaxSafeInteger)) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "an integer in [0, 9007199254740991]");
    }
    return static_cast<uint64_t>(value.As<Napi::Number>().DoubleValue());
}

Napi::Float64Array CurrentFloat64Array(const Napi::Float64Array &array) {
    return Napi::Float64Array(array.Env(), array);
}

void CheckTensorLength(const ArgContext &ctx, size_t length, const std::string &name,
                       uint32_t batches, uint32_t channels, uint32_t frames) {
    // batches x channels fits in uint64_t; comparing length / frames with it avoids the
    // 96-bit product.
    const uint64_t lanes = uint64_t{batches} * channels;
    const uint64_t count = length;
    const bool matches =
        frames == 0 ? count == 0 : (count % frames == 0 && count / frames == lanes);
    if (!matches) {
        throw Napi::RangeError::New(
            ctx.info.Env(),
            std::string(ctx.method) + ": argument \"" + name + "\" has " + std::to_string(count) +
                " values but batches x channels x frames is " + std::to_string(batches) + " x " +
                std::to_string(channels) + " x " + std::to_string(frames));
    }
}

std::string StringArg(const ArgContext &ctx, size_t index, const char *name) {
    return StringValue(ctx, ctx.info[index], name);
}

uint32_t Uint32Arg(const ArgContext &ctx, size_t index, const char *name) {
    return Uint32Value(ctx, ctx.info[index], name);
}

int32_t Int32Arg(const ArgContext &ctx, size_t index, const char *name) {
    const Napi::Value value = ctx.info[index];
    if (!IsIntegerIn(value, -2147483648.0, 2147483647.0)) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "an integer in [-2147483648, 2147483647]");
    }
    return value.As<Napi::Number>().Int32Value();
}

double NumberArg(const ArgContext &ctx, size_t index, const char *name) {
    const Napi::Value value = ctx.info[index];
    if (!value.IsNumber()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a number");
    }
    return value.As<Napi::Number>().DoubleValue();
}

uint64_t FrameCountArg(const ArgContext &ctx, size_t index, const char *name) {
    return FrameCountValue(ctx, ctx.info[index], name);
}

Napi::Float64Array Float64ArrayArg(const ArgContext &ctx, size_t index, const char *name) {
    return Float64ArrayValue(ctx, ctx.info[index], name);
}

Napi::Uint8Array Uint8ArrayArg(const ArgContext &ctx, size_t index, const char *name) {
    const Napi::Value value = ctx.info[index];
    if (!value.IsTypedArray() ||
        value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a Uint8Array");
    }
    return value.As<Napi::Uint8Array>();
}

Napi::Object ObjectArg(const ArgContext &ctx, size_t index, const char *name) {
    return ObjectValue(ctx, ctx.info[index], name);
}

Napi::Function FunctionArg(const ArgContext &ctx, size_t index, const char *name) {
    const Napi::Value value = ctx.info[index];
    if (!value.IsFunction()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a function");
    }
    return value.As<Napi::Function>();
}

} // namespace amp_binding
