// metrics.h: AmpNodeMetrics as a JS object (NativeNodeMetrics in src/native/addon-types.ts),
// shared by describeNode() (lastMetrics) and runNode() (metrics).
#pragma once

#include <napi.h>

#include "amp_native.h"

namespace amp_binding {

// {measuredDelayFrames, accumulatedHeat, processingTimeSeconds, totalTimeSeconds,
//  threadCpuTimeSeconds, reserved: number[6]}.
Napi::Object MetricsObject(Napi::Env env, const AmpNodeMetrics &metrics);

} // namespace amp_binding
