// pcm.h: the PCM sample conversion of WAV files (amp_pcm_encode / amp_pcm_decode), 1:1.
#pragma once

#include <napi.h>

namespace amp_binding {

// pcmEncode(data: Float64Array, laneStride, channels, frames, format, dither: boolean,
//           seed, startFrame, out: Uint8Array): number of clipped samples. A non-finite sample
// throws AmpError (AMP_ERR_INVALID_ARGUMENT) naming its channel and frame; nothing is written.
Napi::Value PcmEncode(const Napi::CallbackInfo &info);
// pcmDecode(bytes: Uint8Array, channels, frames, format, out: Float64Array, laneStride, work?):
// without `work` decodes on the JS thread (a failure throws AmpError, stage "wav"); with `work`
// ({cancel: CancelFlag}, see work_worker.h) decodes on the libuv pool and returns a promise
// that resolves with undefined or rejects with that AmpError. The arrays must stay attached
// until it settles.
Napi::Value PcmDecode(const Napi::CallbackInfo &info);

} // namespace amp_binding
