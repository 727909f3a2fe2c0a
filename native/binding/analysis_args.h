// analysis_args.h: argument conversion for the amp_analysis_* bindings (types only; values are
// checked by TypeScript and by the runtime).
#pragma once

#include <napi.h>

#include <vector>

#include "amp_native.h"
#include "args.h"
#include "errors.h"

namespace amp_binding {

// {sampleRate, size, hop, window, beta, symmetric, scale, points, minHz, maxHz, floorDb}: every
// field a number (symmetric a boolean) -> AmpAnalysisConfig.
AmpAnalysisConfig AnalysisConfigArg(const ArgContext &ctx, size_t index);

// A signal given as (samples, batches, channels, frames) at arguments index .. index + 3; the
// samples' length must be batches x channels x frames.
struct SignalArgs {
    Napi::Float64Array samples;
    AmpAudioView view{};
};
SignalArgs SignalArg(const ArgContext &ctx, size_t index);

// A Uint32Array argument, copied.
std::vector<uint32_t> Uint32ArrayArg(const ArgContext &ctx, size_t index, const char *name);

// The calling thread's last analysis failure (status `status`), stage "analysis".
ErrorInfo AnalysisError(int32_t status);

// Throws the AmpError of the calling thread's last analysis failure (status `status`).
[[noreturn]] void ThrowAnalysisError(Napi::Env env, int32_t status);

// Owns a plan for the duration of one binding call.
class PlanHandle {
  public:
    PlanHandle(Napi::Env env, const AmpAnalysisConfig &config);
    ~PlanHandle() { amp_analysis_plan_destroy(plan_); }
    PlanHandle(const PlanHandle &) = delete;
    PlanHandle &operator=(const PlanHandle &) = delete;
    AmpAnalysisPlan *get() const { return plan_; }
    const AmpAnalysisPlanInfo &info() const { return info_; }

  private:
    AmpAnalysisPlan *plan_ = nullptr;
    AmpAnalysisPlanInfo info_{};
};

// {coherentGain, energyGain, enbwBins, scallopingLossDb}.
Napi::Object GainsObject(Napi::Env env, const AmpWindowGains &gains);

} // namespace amp_binding
