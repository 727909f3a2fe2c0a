// pcm.h: the PCM sample conversion of WAV files (amp_pcm_encode / amp_pcm_decode), 1:1.
#pragma once

#include <napi.h>

namespace amp_binding {

// pcmEncode(data: Float64Array, laneStride, channels, frames, format, dither: boolean,
//           seed, startFrame, out: Uint8Array): number of clipped samples. A non-finite sample
// throws AmpError (AMP_ERR_INVALID_ARGUMENT) naming its channel and frame; nothing is written.
Napi::Value PcmEncode(const Napi::CallbackInfo &info);
// pcmDecode(bytes: Uint8Array, channels, frames, format, out: Float64Array, laneStride).
void PcmDecode(const Napi::CallbackInfo &info);

} // namespace amp_binding
