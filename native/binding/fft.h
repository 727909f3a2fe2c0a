// fft.h: the FFT entry points, 1:1 with amp_fft_* (native/include/amp_native.h).
#pragma once

#include <napi.h>

namespace amp_binding {

// Each takes (input, n[, output]) and returns output: the given Float64Array (its length must be
// exact; TypeScript checks that it does not overlap input where amp_fft_* forbids it) or a new one.
// fftComplexForward / fftComplexInverse: input holds 2n doubles (interleaved complex); output 2n.
Napi::Value FftComplexForward(const Napi::CallbackInfo &info);
Napi::Value FftComplexInverse(const Napi::CallbackInfo &info);
// fftRealForward(input, n): input holds n samples; returns 2 (n/2 + 1) doubles (bins 0..n/2).
Napi::Value FftRealForward(const Napi::CallbackInfo &info);
// fftRealInverse(input, n): input holds 2 (n/2 + 1) doubles; returns n samples.
Napi::Value FftRealInverse(const Napi::CallbackInfo &info);

} // namespace amp_binding
