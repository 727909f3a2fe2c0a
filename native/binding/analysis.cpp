// analysis.cpp: see analysis.h.
#include "analysis.h"

#include <vector>

#include "amp_native.h"
#include "analysis_args.h"

namespace amp_binding {

namespace {

void Check(Napi::Env env, int32_t status) {
    if (status != AMP_OK) ThrowAnalysisError(env, status);
}

size_t Count(uint64_t a, uint64_t b = 1, uint64_t c = 1) { return static_cast<size_t>(a * b * c); }

Napi::Float64Array Frequencies(Napi::Env env, const PlanHandle &plan) {
    Napi::Float64Array out = Napi::Float64Array::New(env, plan.info().points);
    Check(env, amp_analysis_plan_frequencies(plan.get(), out.Data(), plan.info().points));
    return out;
}

} // namespace

Napi::Value AnalysisWindow(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisWindow"};
    const uint32_t window = Uint32Arg(ctx, 0, "window");
    const double beta = NumberArg(ctx, 1, "beta");
    const bool symmetric = BooleanValue(ctx, info[2], "symmetric");
    const uint32_t n = Uint32Arg(ctx, 3, "n");
    Napi::Float64Array values = Napi::Float64Array::New(env, n);
    AmpWindowGains gains{};
    Check(env, amp_analysis_window(window, beta, symmetric ? 1u : 0u, n,
                                   n > 0 ? values.Data() : nullptr, &gains));
    Napi::Object result = Napi::Object::New(env);
    result.Set("values", values);
    result.Set("gains", GainsObject(env, gains));
    return result;
}

Napi::Value AnalysisSpectrum(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisSpectrum"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    const std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const SignalArgs signal = SignalArg(ctx, 1);
    const PlanHandle plan(env, config);
    const uint32_t points = plan.info().points;
    Napi::Float64Array power = Napi::Float64Array::New(env, Count(lanes.size(), points));
    Napi::Float64Array psd = Napi::Float64Array::New(env, Count(lanes.size(), points));
    uint64_t segments = 0;
    Check(env, amp_analysis_spectrum(plan.get(), &signal.view, lanes.data(),
                                     static_cast<uint32_t>(lanes.size()), power.Data(), psd.Data(),
                                     &segments));
    Napi::Object result = Napi::Object::New(env);
    result.Set("powerDb", power);
    result.Set("psdDb", psd);
    result.Set("frequencies", Frequencies(env, plan));
    result.Set("segments", static_cast<double>(segments));
    result.Set("binHz", plan.info().bin_hz);
    result.Set("gains", GainsObject(env, plan.info().gains));
    return result;
}

Napi::Value AnalysisCentroid(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisCentroid"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    const std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const SignalArgs signal = SignalArg(ctx, 1);
    const PlanHandle plan(env, config);
    Napi::Float64Array centroid = Napi::Float64Array::New(env, lanes.size());
    Check(env, amp_analysis_centroid(plan.get(), &signal.view, lanes.data(),
                                     static_cast<uint32_t>(lanes.size()), centroid.Data()));
    return centroid;
}

Napi::Value AnalysisPeaks(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisPeaks"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    const std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const uint32_t max_peaks = Uint32Arg(ctx, 6, "maxPeaks");
    const double min_db = NumberArg(ctx, 7, "minDb");
    const SignalArgs signal = SignalArg(ctx, 1);
    const PlanHandle plan(env, config);
    const size_t n = Count(lanes.size(), max_peaks);
    Napi::Float64Array frequency = Napi::Float64Array::New(env, n);
    Napi::Float64Array bin = Napi::Float64Array::New(env, n);
    Napi::Float64Array level = Napi::Float64Array::New(env, n);
    Napi::Uint32Array found = Napi::Uint32Array::New(env, lanes.size());
    Check(env, amp_analysis_peaks(plan.get(), &signal.view, lanes.data(),
                                  static_cast<uint32_t>(lanes.size()), max_peaks, min_db,
                                  frequency.Data(), bin.Data(), level.Data(), found.Data()));
    Napi::Object result = Napi::Object::New(env);
    result.Set("frequency", frequency);
    result.Set("bin", bin);
    result.Set("levelDb", level);
    result.Set("found", found);
    result.Set("binHz", plan.info().bin_hz);
    return result;
}

Napi::Value AnalysisSpectrogram(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisSpectrogram"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    const std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const uint32_t max_columns = Uint32Arg(ctx, 6, "maxColumns");
    const SignalArgs signal = SignalArg(ctx, 1);
    const PlanHandle plan(env, config);
    const uint64_t frames = amp_analysis_plan_frames(plan.get(), signal.view.frames);
    // columns = min(frames, max_columns); 0 frames or columns is refused by the runtime.
    const uint32_t columns =
        static_cast<uint32_t>(frames < max_columns ? frames : uint64_t{max_columns});
    const uint32_t points = plan.info().points;
    Napi::Float64Array db = Napi::Float64Array::New(env, Count(lanes.size(), columns, points));
    Napi::Float64Array times = Napi::Float64Array::New(env, columns);
    double range[2] = {0.0, 0.0};
    Check(env, amp_analysis_spectrogram(plan.get(), &signal.view, lanes.data(),
                                        static_cast<uint32_t>(lanes.size()), columns,
                                        columns > 0 ? db.Data() : nullptr,
                                        columns > 0 ? times.Data() : nullptr, range));
    Napi::Object result = Napi::Object::New(env);
    result.Set("db", db);
    result.Set("times", times);
    result.Set("frequencies", Frequencies(env, plan));
    result.Set("columns", columns);
    result.Set("minDb", range[0]);
    result.Set("maxDb", range[1]);
    result.Set("frames", static_cast<double>(frames));
    result.Set("binHz", plan.info().bin_hz);
    result.Set("gains", GainsObject(env, plan.info().gains));
    return result;
}

Napi::Value AnalysisBandEnergy(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisBandEnergy"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    const std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    Napi::Float64Array bands = Float64ArrayArg(ctx, 6, "bands");
    const SignalArgs signal = SignalArg(ctx, 1);
    bands = CurrentFloat64Array(bands);
    if (bands.ElementLength() % 2 != 0)
        ThrowTypeError(env, ctx.method, "bands", "a Float64Array of [low, high] pairs");
    const uint32_t band_count = static_cast<uint32_t>(bands.ElementLength() / 2);
    const PlanHandle plan(env, config);
    const uint64_t frames = amp_analysis_plan_frames(plan.get(), signal.view.frames);
    const size_t n = Count(lanes.size(), band_count, frames);
    Napi::Float64Array energy = Napi::Float64Array::New(env, n);
    Napi::Float64Array level = Napi::Float64Array::New(env, n);
    Napi::Float64Array times = Napi::Float64Array::New(env, Count(frames));
    Check(env,
          amp_analysis_band_energy(
              plan.get(), &signal.view, lanes.data(), static_cast<uint32_t>(lanes.size()),
              band_count > 0 ? bands.Data() : nullptr, band_count, n > 0 ? energy.Data() : nullptr,
              n > 0 ? level.Data() : nullptr, frames > 0 ? times.Data() : nullptr));
    Napi::Object result = Napi::Object::New(env);
    result.Set("energy", energy);
    result.Set("levelDb", level);
    result.Set("times", times);
    result.Set("frames", static_cast<double>(frames));
    result.Set("gains", GainsObject(env, plan.info().gains));
    return result;
}

Napi::Value AnalysisEnvelope(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisEnvelope"};
    const std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 4, "lanes");
    const uint64_t start = FrameCountArg(ctx, 5, "start");
    const uint64_t end = FrameCountArg(ctx, 6, "end");
    const uint32_t columns = Uint32Arg(ctx, 7, "columns");
    const SignalArgs signal = SignalArg(ctx, 0);
    const size_t n = Count(lanes.size(), columns);
    Napi::Float64Array min = Napi::Float64Array::New(env, n);
    Napi::Float64Array max = Napi::Float64Array::New(env, n);
    Napi::Float64Array rms = Napi::Float64Array::New(env, n);
    Napi::Uint32Array non_finite = Napi::Uint32Array::New(env, n);
    Check(env, amp_analysis_envelope(
                   &signal.view, lanes.data(), static_cast<uint32_t>(lanes.size()), start, end,
                   columns, n > 0 ? min.Data() : nullptr, n > 0 ? max.Data() : nullptr,
                   n > 0 ? rms.Data() : nullptr, n > 0 ? non_finite.Data() : nullptr));
    Napi::Object result = Napi::Object::New(env);
    result.Set("min", min);
    result.Set("max", max);
    result.Set("rms", rms);
    result.Set("nonFinite", non_finite);
    return result;
}

Napi::Value AnalysisLevels(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisLevels"};
    const SignalArgs signal = SignalArg(ctx, 0);
    const size_t lanes = Count(signal.view.batches, signal.view.channels);
    Napi::Float64Array peak = Napi::Float64Array::New(env, lanes);
    Napi::Float64Array rms = Napi::Float64Array::New(env, lanes);
    Napi::Float64Array dc = Napi::Float64Array::New(env, lanes);
    Napi::Float64Array crest = Napi::Float64Array::New(env, lanes);
    Napi::Float64Array crest_db = Napi::Float64Array::New(env, lanes);
    Check(env, amp_analysis_levels(&signal.view, peak.Data(), rms.Data(), dc.Data(), crest.Data(),
                                   crest_db.Data()));
    Napi::Object result = Napi::Object::New(env);
    result.Set("peak", peak);
    result.Set("rms", rms);
    result.Set("dc", dc);
    result.Set("crest", crest);
    result.Set("crestDb", crest_db);
    return result;
}

Napi::Value AnalysisStft(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisStft"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    Napi::Float64Array samples = Float64ArrayArg(ctx, 1, "samples");
    const PlanHandle plan(env, config);
    samples = CurrentFloat64Array(samples);
    const uint64_t frames =
        amp_analysis_stft_frames(samples.ElementLength(), config.size, config.hop);
    const size_t n = Count(frames, 2, plan.info().bins);
    Napi::Float64Array data = Napi::Float64Array::New(env, n);
    Check(env, amp_analysis_stft(plan.get(), samples.Data(), samples.ElementLength(),
                                 n > 0 ? data.Data() : nullptr, n));
    Napi::Object result = Napi::Object::New(env);
    result.Set("data", data);
    result.Set("frames", static_cast<double>(frames));
    result.Set("bins", plan.info().bins);
    return result;
}

Napi::Value AnalysisIstft(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisIstft"};
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    Napi::Float64Array spectra = Float64ArrayArg(ctx, 1, "spectra");
    const uint64_t stft_frames = FrameCountArg(ctx, 2, "stftFrames");
    const uint64_t length = FrameCountArg(ctx, 3, "length");
    const PlanHandle plan(env, config);
    spectra = CurrentFloat64Array(spectra);
    if (spectra.ElementLength() != Count(stft_frames, 2, plan.info().bins))
        ThrowTypeError(env, ctx.method, "spectra",
                       "a Float64Array of stftFrames x bins x 2 values");
    Napi::Float64Array out = Napi::Float64Array::New(env, Count(length));
    Check(env, amp_analysis_istft(plan.get(), spectra.Data(), stft_frames,
                                  length > 0 ? out.Data() : nullptr, length));
    return out;
}

} // namespace amp_binding
