// addon.cpp: module initialisation and per-environment state.
//
// Exports (the NativeAddon interface of src/native/addon-types.ts): apiVersion, statusName,
// nodeCatalog, setErrorClass, analyzeLevels, columnStats, runningSum, fftComplexForward/Inverse,
// fftRealForward/Inverse, createRuntime, NodeState, Meters, CancelFlag, pcmEncode, pcmDecode,
// runNode, liveStateCount, and the analysis functions of analysis.h (analysisWindow,
// analysisSpectrum, ...). Every environment that loads the module (main thread, worker threads)
// gets its own AddonData, released with the environment.
#include <napi.h>

#include "addon_data.h"
#include "analysis.h"
#include "args.h"
#include "fft.h"
#include "functions.h"
#include "node_call.h"
#include "node_state_wrap.h"
#include "pcm.h"
#include "progress.h"
#include "runtime_wrap.h"
#include "series.h"
#include "work_worker.h"

namespace amp_binding {

AddonData &GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

namespace {

// setErrorClass(errorClass): the class every native failure is thrown as; replaces any previous
// registration for this environment.
void SetErrorClass(const Napi::CallbackInfo &info) {
    const ArgContext ctx{info, "setErrorClass"};
    const Napi::Function error_class = FunctionArg(ctx, 0, "errorClass");
    GetAddonData(info.Env()).error_class = Napi::Persistent(error_class);
}

} // namespace

} // namespace amp_binding

namespace {

// Module initialisation, once per environment. NODE_API_MODULE needs an unqualified name.
Napi::Object InitAmpKpn(Napi::Env env, Napi::Object exports) {
    using namespace amp_binding;
    auto *data = new AddonData();
    // The environment owns data from here on and deletes it at teardown.
    env.SetInstanceData<AddonData>(data);
    data->runtime_constructor = Napi::Persistent(RuntimeWrap::DefineClass(env));

    exports.Set("apiVersion", Napi::Function::New<ApiVersion>(env, "apiVersion"));
    exports.Set("statusName", Napi::Function::New<StatusNameOf>(env, "statusName"));
    exports.Set("nodeCatalog", Napi::Function::New<NodeCatalog>(env, "nodeCatalog"));
    exports.Set("setErrorClass", Napi::Function::New<SetErrorClass>(env, "setErrorClass"));
    exports.Set("analyzeLevels", Napi::Function::New<AnalyzeLevels>(env, "analyzeLevels"));
    exports.Set("countNonFinite", Napi::Function::New<CountNonFinite>(env, "countNonFinite"));
    exports.Set("lossL2", Napi::Function::New<LossL2>(env, "lossL2"));
    exports.Set("lossSpectralL2", Napi::Function::New<LossSpectralL2>(env, "lossSpectralL2"));
    exports.Set("columnStats", Napi::Function::New<ColumnStats>(env, "columnStats"));
    exports.Set("runningSum", Napi::Function::New<RunningSum>(env, "runningSum"));
    exports.Set("fftComplexForward",
                Napi::Function::New<FftComplexForward>(env, "fftComplexForward"));
    exports.Set("fftComplexInverse",
                Napi::Function::New<FftComplexInverse>(env, "fftComplexInverse"));
    exports.Set("fftRealForward", Napi::Function::New<FftRealForward>(env, "fftRealForward"));
    exports.Set("fftRealInverse", Napi::Function::New<FftRealInverse>(env, "fftRealInverse"));
    exports.Set("createRuntime", Napi::Function::New<RuntimeWrap::Create>(env, "createRuntime"));
    exports.Set("NodeState", NodeStateWrap::DefineClass(env));
    exports.Set("Meters", MetersWrap::DefineClass(env));
    exports.Set("CancelFlag", CancelFlagWrap::DefineClass(env));
    exports.Set("pcmEncode", Napi::Function::New<PcmEncode>(env, "pcmEncode"));
    exports.Set("pcmDecode", Napi::Function::New<PcmDecode>(env, "pcmDecode"));
    exports.Set("runNode", Napi::Function::New<RunNode>(env, "runNode"));
    exports.Set("liveStateCount", Napi::Function::New<LiveStateCount>(env, "liveStateCount"));
    const struct {
        const char *name;
        Napi::Value (*function)(const Napi::CallbackInfo &);
    } analysis[] = {{"analysisWindow", AnalysisWindow},
                    {"analysisSpectrum", AnalysisSpectrum},
                    {"analysisPeaks", AnalysisPeaks},
                    {"analysisCentroid", AnalysisCentroid},
                    {"analysisSpectrogram", AnalysisSpectrogram},
                    {"analysisBandEnergy", AnalysisBandEnergy},
                    {"analysisEnvelope", AnalysisEnvelope},
                    {"analysisLevels", AnalysisLevels},
                    {"analysisStft", AnalysisStft},
                    {"analysisIstft", AnalysisIstft}};
    for (const auto &entry : analysis)
        exports.Set(entry.name, Napi::Function::New(env, entry.function, entry.name));
    return exports;
}

} // namespace

NODE_API_MODULE(amp_kpn, InitAmpKpn)
