// metrics.cpp: AmpNodeMetrics as a JS object (see metrics.h).
#include "metrics.h"

namespace amp_binding {

Napi::Object MetricsObject(Napi::Env env, const AmpNodeMetrics &metrics) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("measuredDelayFrames", metrics.measured_delay_frames);
    object.Set("accumulatedHeat", metrics.accumulated_heat);
    object.Set("processingTimeSeconds", metrics.processing_time_seconds);
    object.Set("totalTimeSeconds", metrics.total_time_seconds);
    object.Set("threadCpuTimeSeconds", metrics.thread_cpu_time_seconds);
    constexpr uint32_t kReserved = sizeof(metrics.reserved) / sizeof(metrics.reserved[0]);
    Napi::Array reserved = Napi::Array::New(env, kReserved);
    for (uint32_t i = 0; i < kReserved; ++i) {
        reserved.Set(i, metrics.reserved[i]);
    }
    object.Set("reserved", reserved);
    return object;
}

} // namespace amp_binding
