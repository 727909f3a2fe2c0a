// analysis.cpp: see analysis.h.
#include "analysis.h"

#include <array>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "amp_native.h"
#include "analysis_args.h"
#include "work_worker.h"

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

// A JS value kept alive (and in place) until the job that captured it is destroyed, on the JS
// thread.
template <typename T>
using Kept = std::shared_ptr<Napi::Reference<T>>;
template <typename T>
Kept<T> Keep(T value) {
    return std::make_shared<Napi::Reference<T>>(Napi::Persistent(value));
}

// One call with a plan: the plan, the C call (capturing the arrays it reads and writes) and the
// result object, run synchronously or on a worker (RunWork).
class AnalysisJob : public WorkJob {
  public:
    using Call = std::function<int32_t(AmpAnalysisPlan *)>;
    using Make = std::function<Napi::Value(Napi::Env, const PlanHandle &)>;

    AnalysisJob(Napi::Env env, const AmpAnalysisConfig &config) : plan_(env, config) {}
    const PlanHandle &plan() const { return plan_; }
    void Set(Call call, Make make) {
        call_ = std::move(call);
        make_ = std::move(make);
    }

    int32_t Run(const AmpWorkOptions &work, ErrorInfo &failure) override {
        int32_t status = amp_analysis_plan_set_work(plan_.get(), &work);
        if (status == AMP_OK) status = call_(plan_.get());
        if (status != AMP_OK) failure = AnalysisError(status);
        return status;
    }
    Napi::Value Result(Napi::Env env) override { return make_(env, plan_); }

  private:
    PlanHandle plan_;
    Call call_;
    Make make_;
};

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
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 6);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const SignalArgs signal = SignalArg(ctx, 1);
    auto job = std::make_unique<AnalysisJob>(env, config);
    const uint32_t points = job->plan().info().points;
    auto samples = Keep(signal.samples);
    auto power = Keep(Napi::Float64Array::New(env, Count(lanes.size(), points)));
    auto psd = Keep(Napi::Float64Array::New(env, Count(lanes.size(), points)));
    auto segments = std::make_shared<uint64_t>(0);
    job->Set(
        [samples, view = signal.view, lanes = std::move(lanes), power_db = power->Value().Data(),
         psd_db = psd->Value().Data(), segments](AmpAnalysisPlan *plan) {
            return amp_analysis_spectrum(plan, &view, lanes.data(),
                                         static_cast<uint32_t>(lanes.size()), power_db, psd_db,
                                         segments.get());
        },
        [power, psd, segments](Napi::Env e, const PlanHandle &plan) -> Napi::Value {
            Napi::Object result = Napi::Object::New(e);
            result.Set("powerDb", power->Value());
            result.Set("psdDb", psd->Value());
            result.Set("frequencies", Frequencies(e, plan));
            result.Set("segments", static_cast<double>(*segments));
            result.Set("binHz", plan.info().bin_hz);
            result.Set("gains", GainsObject(e, plan.info().gains));
            return result;
        });
    return RunWork(env, std::move(work), "amp_kpn:analysisSpectrum", std::move(job));
}

Napi::Value AnalysisCentroid(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisCentroid"};
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 6);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const SignalArgs signal = SignalArg(ctx, 1);
    auto job = std::make_unique<AnalysisJob>(env, config);
    auto samples = Keep(signal.samples);
    auto centroid = Keep(Napi::Float64Array::New(env, lanes.size()));
    job->Set(
        [samples, view = signal.view, lanes = std::move(lanes),
         out = centroid->Value().Data()](AmpAnalysisPlan *plan) {
            return amp_analysis_centroid(plan, &view, lanes.data(),
                                         static_cast<uint32_t>(lanes.size()), out);
        },
        [centroid](Napi::Env, const PlanHandle &) -> Napi::Value { return centroid->Value(); });
    return RunWork(env, std::move(work), "amp_kpn:analysisCentroid", std::move(job));
}

Napi::Value AnalysisPeaks(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisPeaks"};
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 8);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const uint32_t max_peaks = Uint32Arg(ctx, 6, "maxPeaks");
    const double min_db = NumberArg(ctx, 7, "minDb");
    const SignalArgs signal = SignalArg(ctx, 1);
    auto job = std::make_unique<AnalysisJob>(env, config);
    const size_t n = Count(lanes.size(), max_peaks);
    auto samples = Keep(signal.samples);
    auto frequency = Keep(Napi::Float64Array::New(env, n));
    auto bin = Keep(Napi::Float64Array::New(env, n));
    auto level = Keep(Napi::Float64Array::New(env, n));
    auto found = Keep(Napi::Uint32Array::New(env, lanes.size()));
    job->Set(
        [samples, view = signal.view, lanes = std::move(lanes), max_peaks, min_db,
         f = frequency->Value().Data(), b = bin->Value().Data(), l = level->Value().Data(),
         c = found->Value().Data()](AmpAnalysisPlan *plan) {
            return amp_analysis_peaks(plan, &view, lanes.data(),
                                      static_cast<uint32_t>(lanes.size()), max_peaks, min_db, f, b,
                                      l, c);
        },
        [frequency, bin, level, found](Napi::Env e, const PlanHandle &plan) -> Napi::Value {
            Napi::Object result = Napi::Object::New(e);
            result.Set("frequency", frequency->Value());
            result.Set("bin", bin->Value());
            result.Set("levelDb", level->Value());
            result.Set("found", found->Value());
            result.Set("binHz", plan.info().bin_hz);
            return result;
        });
    return RunWork(env, std::move(work), "amp_kpn:analysisPeaks", std::move(job));
}

Napi::Value AnalysisSpectrogram(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisSpectrogram"};
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 7);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    const uint32_t max_columns = Uint32Arg(ctx, 6, "maxColumns");
    const SignalArgs signal = SignalArg(ctx, 1);
    auto job = std::make_unique<AnalysisJob>(env, config);
    const uint64_t frames = amp_analysis_plan_frames(job->plan().get(), signal.view.frames);
    // columns = min(frames, max_columns); 0 frames or columns is refused by the runtime.
    const uint32_t columns =
        static_cast<uint32_t>(frames < max_columns ? frames : uint64_t{max_columns});
    const uint32_t points = job->plan().info().points;
    auto samples = Keep(signal.samples);
    auto db = Keep(Napi::Float64Array::New(env, Count(lanes.size(), columns, points)));
    auto times = Keep(Napi::Float64Array::New(env, columns));
    auto range = std::make_shared<std::array<double, 2>>();
    job->Set(
        [samples, view = signal.view, lanes = std::move(lanes), columns,
         d = columns > 0 ? db->Value().Data() : nullptr,
         t = columns > 0 ? times->Value().Data() : nullptr, range](AmpAnalysisPlan *plan) {
            return amp_analysis_spectrogram(plan, &view, lanes.data(),
                                            static_cast<uint32_t>(lanes.size()), columns, d, t,
                                            range->data());
        },
        [db, times, range, columns, frames](Napi::Env e, const PlanHandle &plan) -> Napi::Value {
            Napi::Object result = Napi::Object::New(e);
            result.Set("db", db->Value());
            result.Set("times", times->Value());
            result.Set("frequencies", Frequencies(e, plan));
            result.Set("columns", columns);
            result.Set("minDb", (*range)[0]);
            result.Set("maxDb", (*range)[1]);
            result.Set("frames", static_cast<double>(frames));
            result.Set("binHz", plan.info().bin_hz);
            result.Set("gains", GainsObject(e, plan.info().gains));
            return result;
        });
    return RunWork(env, std::move(work), "amp_kpn:analysisSpectrogram", std::move(job));
}

Napi::Value AnalysisBandEnergy(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisBandEnergy"};
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 7);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    std::vector<uint32_t> lanes = Uint32ArrayArg(ctx, 5, "lanes");
    Napi::Float64Array bands = Float64ArrayArg(ctx, 6, "bands");
    const SignalArgs signal = SignalArg(ctx, 1);
    bands = CurrentFloat64Array(bands);
    if (bands.ElementLength() % 2 != 0)
        ThrowTypeError(env, ctx.method, "bands", "a Float64Array of [low, high] pairs");
    const uint32_t band_count = static_cast<uint32_t>(bands.ElementLength() / 2);
    auto job = std::make_unique<AnalysisJob>(env, config);
    const uint64_t frames = amp_analysis_plan_frames(job->plan().get(), signal.view.frames);
    const size_t n = Count(lanes.size(), band_count, frames);
    auto samples = Keep(signal.samples);
    auto kept_bands = Keep(bands);
    auto energy = Keep(Napi::Float64Array::New(env, n));
    auto level = Keep(Napi::Float64Array::New(env, n));
    auto times = Keep(Napi::Float64Array::New(env, Count(frames)));
    job->Set(
        [samples, kept_bands, view = signal.view, lanes = std::move(lanes), band_count,
         b = band_count > 0 ? bands.Data() : nullptr, en = n > 0 ? energy->Value().Data() : nullptr,
         l = n > 0 ? level->Value().Data() : nullptr,
         t = frames > 0 ? times->Value().Data() : nullptr](AmpAnalysisPlan *plan) {
            return amp_analysis_band_energy(plan, &view, lanes.data(),
                                            static_cast<uint32_t>(lanes.size()), b, band_count, en,
                                            l, t);
        },
        [energy, level, times, frames](Napi::Env e, const PlanHandle &plan) -> Napi::Value {
            Napi::Object result = Napi::Object::New(e);
            result.Set("energy", energy->Value());
            result.Set("levelDb", level->Value());
            result.Set("times", times->Value());
            result.Set("frames", static_cast<double>(frames));
            result.Set("gains", GainsObject(e, plan.info().gains));
            return result;
        });
    return RunWork(env, std::move(work), "amp_kpn:analysisBandEnergy", std::move(job));
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
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 2);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    Napi::Float64Array samples = Float64ArrayArg(ctx, 1, "samples");
    auto job = std::make_unique<AnalysisJob>(env, config);
    samples = CurrentFloat64Array(samples);
    const uint64_t frames =
        amp_analysis_stft_frames(samples.ElementLength(), config.size, config.hop);
    const size_t n = Count(frames, 2, job->plan().info().bins);
    auto kept = Keep(samples);
    auto data = Keep(Napi::Float64Array::New(env, n));
    job->Set([kept, x = samples.Data(), length = samples.ElementLength(),
              out = n > 0 ? data->Value().Data() : nullptr,
              n](AmpAnalysisPlan *plan) { return amp_analysis_stft(plan, x, length, out, n); },
             [data, frames](Napi::Env e, const PlanHandle &plan) -> Napi::Value {
                 Napi::Object result = Napi::Object::New(e);
                 result.Set("data", data->Value());
                 result.Set("frames", static_cast<double>(frames));
                 result.Set("bins", plan.info().bins);
                 return result;
             });
    return RunWork(env, std::move(work), "amp_kpn:analysisStft", std::move(job));
}

Napi::Value AnalysisIstft(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "analysisIstft"};
    std::optional<WorkArgs> work = OptionalWorkArg(ctx, 4);
    const AmpAnalysisConfig config = AnalysisConfigArg(ctx, 0);
    Napi::Float64Array spectra = Float64ArrayArg(ctx, 1, "spectra");
    const uint64_t stft_frames = FrameCountArg(ctx, 2, "stftFrames");
    const uint64_t length = FrameCountArg(ctx, 3, "length");
    auto job = std::make_unique<AnalysisJob>(env, config);
    spectra = CurrentFloat64Array(spectra);
    if (spectra.ElementLength() != Count(stft_frames, 2, job->plan().info().bins))
        ThrowTypeError(env, ctx.method, "spectra",
                       "a Float64Array of stftFrames x bins x 2 values");
    auto kept = Keep(spectra);
    auto out = Keep(Napi::Float64Array::New(env, Count(length)));
    job->Set(
        [kept, s = spectra.Data(), stft_frames, length,
         y = length > 0 ? out->Value().Data() : nullptr](AmpAnalysisPlan *plan) {
            return amp_analysis_istft(plan, s, stft_frames, y, length);
        },
        [out](Napi::Env, const PlanHandle &) -> Napi::Value { return out->Value(); });
    return RunWork(env, std::move(work), "amp_kpn:analysisIstft", std::move(job));
}

} // namespace amp_binding
