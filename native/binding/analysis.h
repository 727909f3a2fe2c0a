// analysis.h: the amp_analysis_* functions. Each call that takes a config creates the plan,
// runs, and destroys it (amp_analysis_plan_create / run / destroy); outputs are new typed arrays
// the native code writes in place. Argument order follows the C ABI.
//
// The calls with a plan take an optional last argument `work` = {cancel: CancelFlag,
// onProgress?: (event) => void, intervalMs: number} (work_worker.h): given, the call runs on a
// worker thread with amp_analysis_plan_set_work (progress events {position, callDone,
// callFrames, ...} in analysis frames, coalesced to one per intervalMs; the flag stops it with
// AMP_ERR_CANCELLED) and returns a Promise of the same result.
#pragma once

#include <napi.h>

namespace amp_binding {

// analysisWindow(window, beta, symmetric, n): {values, gains}.
Napi::Value AnalysisWindow(const Napi::CallbackInfo &info);
// analysisSpectrum(config, samples, batches, channels, frames, lanes, work?):
// {powerDb, psdDb, frequencies, segments, binHz, gains}.
Napi::Value AnalysisSpectrum(const Napi::CallbackInfo &info);
// analysisCentroid(config, samples, batches, channels, frames, lanes, work?): Float64Array of the
// lanes' spectral centroids in Hz.
Napi::Value AnalysisCentroid(const Napi::CallbackInfo &info);
// analysisPeaks(config, samples, batches, channels, frames, lanes, maxPeaks, minDb, work?):
// {frequency, bin, levelDb, found, binHz}.
Napi::Value AnalysisPeaks(const Napi::CallbackInfo &info);
// analysisSpectrogram(config, samples, batches, channels, frames, lanes, maxColumns, work?):
// {db, times, frequencies, columns, frames, binHz, gains}.
Napi::Value AnalysisSpectrogram(const Napi::CallbackInfo &info);
// analysisBandEnergy(config, samples, batches, channels, frames, lanes, bands, work?):
// {energy, levelDb, times, frames, gains}.
Napi::Value AnalysisBandEnergy(const Napi::CallbackInfo &info);
// analysisEnvelope(samples, batches, channels, frames, lanes, start, end, columns):
// {min, max, rms, nonFinite}.
Napi::Value AnalysisEnvelope(const Napi::CallbackInfo &info);
// analysisLevels(samples, batches, channels, frames): {peak, rms, dc, crest, crestDb}.
Napi::Value AnalysisLevels(const Napi::CallbackInfo &info);
// analysisStft(config, samples, work?): {data, frames, bins}.
Napi::Value AnalysisStft(const Napi::CallbackInfo &info);
// analysisIstft(config, spectra, stftFrames, length, work?): Float64Array of length samples.
Napi::Value AnalysisIstft(const Napi::CallbackInfo &info);

} // namespace amp_binding
