// pcm.cpp: see pcm.h. Types and buffer sizes are checked here; the runtime checks the rest.
#include "pcm.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <string>

#include "amp_native.h"
#include "args.h"
#include "errors.h"
#include "work_worker.h"

namespace amp_binding {

namespace {

// Bytes of a Uint8Array as it is now (see CurrentFloat64Array).
Napi::Uint8Array CurrentUint8Array(const Napi::Uint8Array &array) {
    return Napi::Uint8Array(array.Env(), static_cast<napi_value>(array));
}

// A number as JavaScript prints it for the values that can be refused.
std::string JsNumberText(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr; // shortest round trip
    return std::string(text, end);
}

void Fail(Napi::Env env, int32_t status, const std::string &detail) {
    ErrorInfo failure;
    failure.code = status;
    failure.stage = "wav";
    failure.detail = detail;
    throw MakeAmpError(env, failure);
}

std::string DecodeFailure(int32_t status) {
    return std::string("pcm decode failed (") + StatusName(status) + ")";
}

// One amp_pcm_decode on a worker: the byte and sample arrays are kept alive (and in place) by
// references released on the JS thread when the worker is destroyed.
class PcmDecodeJob : public WorkJob {
  public:
    PcmDecodeJob(const Napi::Uint8Array &bytes, Napi::Float64Array out, uint32_t channels,
                 uint64_t frames, uint32_t format, uint64_t lane_stride)
        : bytes_ref_(Napi::Persistent(bytes)), out_ref_(Napi::Persistent(out)),
          bytes_(bytes.Data()), bytes_len_(bytes.ByteLength()), out_(out.Data()),
          channels_(channels), frames_(frames), format_(format), lane_stride_(lane_stride) {}

    int32_t Run(const AmpWorkOptions &, ErrorInfo &failure) override {
        const int32_t status =
            amp_pcm_decode(bytes_, bytes_len_, channels_, frames_, format_, out_, lane_stride_);
        if (status != AMP_OK) {
            failure.code = status;
            failure.stage = "wav";
            failure.detail = DecodeFailure(status);
        }
        return status;
    }
    Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

  private:
    Napi::Reference<Napi::Uint8Array> bytes_ref_;
    Napi::Reference<Napi::Float64Array> out_ref_;
    const uint8_t *bytes_;
    size_t bytes_len_;
    double *out_;
    uint32_t channels_;
    uint64_t frames_;
    uint32_t format_;
    uint64_t lane_stride_;
};

} // namespace

Napi::Value PcmEncode(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "pcmEncode"};
    const Napi::Float64Array data = Float64ArrayArg(ctx, 0, "data");
    const uint64_t lane_stride = FrameCountArg(ctx, 1, "laneStride");
    const uint32_t channels = Uint32Arg(ctx, 2, "channels");
    const uint64_t frames = FrameCountArg(ctx, 3, "frames");
    const uint32_t format = Uint32Arg(ctx, 4, "format");
    if (!info[5].IsBoolean()) ThrowTypeError(env, "pcmEncode", "dither", "a boolean");
    const bool dither = info[5].As<Napi::Boolean>().Value();
    const uint64_t seed = FrameCountArg(ctx, 6, "seed");
    const uint64_t start_frame = FrameCountArg(ctx, 7, "startFrame");
    const Napi::Uint8Array out = Uint8ArrayArg(ctx, 8, "out");
    const Napi::Float64Array in = CurrentFloat64Array(data);
    Napi::Uint8Array bytes = CurrentUint8Array(out);
    if (channels > 0 && frames > 0 &&
        (lane_stride < frames || (channels - 1) * lane_stride + frames > in.ElementLength()))
        throw Napi::RangeError::New(
            env, "pcmEncode: argument \"data\" holds " + std::to_string(in.ElementLength()) +
                     " values, too few for the channels, stride and frames");
    AmpPcmEncodeInfo result{};
    const int32_t status =
        amp_pcm_encode(in.Data(), lane_stride, channels, frames, format, dither ? 1u : 0u, seed,
                       start_frame, bytes.Data(), bytes.ByteLength(), &result);
    if (status == AMP_ERR_INVALID_ARGUMENT && amp_pcm_bytes(format) != 0 && format != AMP_PCM_U8) {
        const uint64_t channel = frames > 0 ? result.first_nonfinite / frames : 0;
        const uint64_t frame = frames > 0 ? result.first_nonfinite % frames : 0;
        const uint64_t index = channel * lane_stride + frame;
        const double value = in.Data()[index];
        Fail(env, status,
             "argument \"samples\" expects finite values for a WAV file, got " +
                 JsNumberText(value) + " at index " + std::to_string(index) +
                 (std::isfinite(value) ? " (beyond the 32-bit float range)" : ""));
    }
    if (status != AMP_OK)
        Fail(env, status, std::string("pcm encode failed (") + StatusName(status) + ")");
    return Napi::Number::New(env, static_cast<double>(result.clipped));
}

Napi::Value PcmDecode(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "pcmDecode"};
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 6);
    const Napi::Uint8Array bytes = CurrentUint8Array(Uint8ArrayArg(ctx, 0, "bytes"));
    const uint32_t channels = Uint32Arg(ctx, 1, "channels");
    const uint64_t frames = FrameCountArg(ctx, 2, "frames");
    const uint32_t format = Uint32Arg(ctx, 3, "format");
    Napi::Float64Array out = CurrentFloat64Array(Float64ArrayArg(ctx, 4, "out"));
    const uint64_t lane_stride = FrameCountArg(ctx, 5, "laneStride");
    if (channels > 0 && frames > 0 &&
        (lane_stride < frames || (channels - 1) * lane_stride + frames > out.ElementLength()))
        throw Napi::RangeError::New(
            env, "pcmDecode: argument \"out\" holds " + std::to_string(out.ElementLength()) +
                     " values, too few for the channels, stride and frames");
    if (work)
        return RunWork(
            env, std::move(work), "amp_kpn:pcmDecode",
            std::make_unique<PcmDecodeJob>(bytes, out, channels, frames, format, lane_stride));
    const int32_t status = amp_pcm_decode(bytes.Data(), bytes.ByteLength(), channels, frames,
                                          format, out.Data(), lane_stride);
    if (status != AMP_OK) Fail(env, status, DecodeFailure(status));
    return env.Undefined();
}

} // namespace amp_binding
