// analysis.h: the native analysis functions behind amp_analysis_* (one per file). Each checks
// its arguments (throwing amp::AmpFailure, stage "analysis", naming the argument and its allowed
// range) before writing any output, and allocates nothing. Units and references are those of
// amp_native.h and docs/analysis.md.
#pragma once

#include <cstdint>

#include "analysis/lanes.h"
#include "analysis/plan.h"

namespace amp::analysis {

// Welch averaged spectrum of each lane over the plan's axis: power in dBFS (0 dB = a full-scale
// sine centred on a bin) and one-sided PSD in dB re 1 FS^2/Hz, each count x points. Returns the
// segments averaged.
uint64_t spectrum(Plan &plan, const LaneSet &set, double *power_db, double *psd_db);

// Spectral centroid (Hz) of each lane's Welch averaged power over the bins: sum f P / sum P,
// 0 for a lane without energy; count values.
void centroid(Plan &plan, const LaneSet &set, double *centroid_hz);

// Up to max_peaks local maxima of each lane's Welch power (strongest first, at least min_db
// dBFS), with interpolated frequency (Hz), fractional bin and scalloping-corrected level
// (dBFS); each output count x max_peaks, found[i] peaks of lane i written. Needs a Bins plan.
void peaks(Plan &plan, const LaneSet &set, uint32_t max_peaks, double min_db, double *frequency,
           double *bin, double *level_db, uint32_t *found);

// Spectrogram in dBFS: count x columns x points (points fastest); consecutive frames averaged
// in power into `columns` columns (1 <= columns <= valid frames). times: columns values (s).
// range: the smallest and largest dB value written.
void spectrogram(Plan &plan, const LaneSet &set, uint32_t columns, double *db, double *times,
                 double range[2]);

// Energy per band and frame (Parseval share of the windowed frame's energy) and the same as
// dBFS; each count x band_count x frames; bands: band_count [low, high) pairs in Hz with
// 0 <= low < high <= Nyquist. times: frames values (s).
void band_energy(Plan &plan, const LaneSet &set, const double *bands, uint32_t band_count,
                 double *energy, double *level_db, double *times);

// Exact min, max and RMS of the finite samples per column over [start, end), and the count of
// non-finite samples; each count x columns. 1 <= columns <= end - start.
void envelope(const LaneSet &set, uint64_t start, uint64_t end, uint32_t columns, double *min,
              double *max, double *rms, uint32_t *non_finite);

// Per lane of every lane (not a selection): peak |x|, RMS, DC (mean) of the finite samples,
// crest factor peak / RMS (0 for a lane without energy) and the crest factor in dB (0 when the
// crest factor is 0).
void levels(const double *data, uint64_t lanes, uint64_t frames, double *peak, double *rms,
            double *dc, double *crest, double *crest_db);

} // namespace amp::analysis
