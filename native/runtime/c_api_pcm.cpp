// c_api_pcm.cpp: amp_pcm_bytes, amp_pcm_encode, amp_pcm_decode (amp_native.h) over dsp/pcm.h.
// Arguments are checked here; nothing throws.
#include "amp_native.h"
#include "dsp/pcm.h"

namespace {

// frames x channels x bytes, or false when it overflows or exceeds `capacity`.
bool fits(uint64_t frames, uint32_t channels, uint32_t bytes, uint64_t capacity) {
    if (channels == 0 || bytes == 0) return false;
    const uint64_t per_frame = static_cast<uint64_t>(channels) * bytes;
    return frames <= capacity / per_frame;
}

} // namespace

extern "C" {

uint32_t amp_pcm_bytes(uint32_t format) { return amp::dsp::pcm_bytes(format); }

int32_t amp_pcm_encode(const double *data, uint64_t lane_stride, uint32_t channels, uint64_t frames,
                       uint32_t format, uint32_t dither, uint64_t dither_seed, uint64_t start_frame,
                       uint8_t *out, uint64_t out_len, AmpPcmEncodeInfo *info) {
    if (info != nullptr) *info = AmpPcmEncodeInfo{};
    if (format == AMP_PCM_U8 || amp::dsp::pcm_bytes(format) == 0) return AMP_ERR_INVALID_ARGUMENT;
    if (!fits(frames, channels, amp::dsp::pcm_bytes(format), out_len))
        return AMP_ERR_SHAPE_MISMATCH;
    if (frames > 0 && (data == nullptr || out == nullptr || lane_stride < frames))
        return AMP_ERR_INVALID_ARGUMENT;
    const amp::dsp::PcmEncodeResult result = amp::dsp::pcm_encode(
        data, lane_stride, channels, frames, static_cast<amp::dsp::PcmFormat>(format), dither != 0,
        dither_seed, start_frame, out);
    if (info != nullptr) {
        info->clipped = result.clipped;
        info->first_nonfinite = result.first_bad_lane * frames + result.first_bad_frame;
    }
    return result.ok ? AMP_OK : AMP_ERR_INVALID_ARGUMENT;
}

int32_t amp_pcm_decode(const uint8_t *bytes, uint64_t bytes_len, uint32_t channels, uint64_t frames,
                       uint32_t format, double *out, uint64_t lane_stride) {
    if (amp::dsp::pcm_bytes(format) == 0) return AMP_ERR_INVALID_ARGUMENT;
    if (!fits(frames, channels, amp::dsp::pcm_bytes(format), bytes_len))
        return AMP_ERR_SHAPE_MISMATCH;
    if (frames > 0 && (bytes == nullptr || out == nullptr || lane_stride < frames))
        return AMP_ERR_INVALID_ARGUMENT;
    amp::dsp::pcm_decode(bytes, channels, frames, static_cast<amp::dsp::PcmFormat>(format), out,
                         lane_stride);
    return AMP_OK;
}

} // extern "C"
