// prototype.h: the linear-phase lowpass prototypes of the polyphase resamplers, one per tier.
//
// A rate change by L/M runs, conceptually, at the high rate Fh = L x the input rate (= M x the
// output rate). The prototype h is a symmetric FIR at Fh with taps h[k], k = -W .. W (stored at
// h[k + W]), DC gain sum(h) = 1, cutting at the Nyquist frequency of the lower of the two rates.
// P = max(L, M) is one period of that lower rate, in high-rate samples. Tiers:
//   linear  the triangle (1 - |k| / P) / P: linear interpolation when L > M, a two-period
//           averaging when M > L; the cheapest, with droop and weak alias rejection.
//   fast    Kaiser-windowed sinc over 16 periods of the lower rate on each side (32 taps per
//           output), passband to 0.70 of the lower Nyquist, stopband from the lower Nyquist.
//   best    Kaiser-windowed sinc over 40 periods on each side (80 taps per output), passband
//           to 0.80 of the lower Nyquist, stopband from the lower Nyquist.
// The figures each tier guarantees (measured by native/tests/test_resample_dsp.cpp on the
// prototypes and test/resampler.test.ts through the node) are in the table kTiers.
#pragma once

#include <cstdint>
#include <vector>

namespace amp::dsp::resample {

enum class Tier : uint32_t { Linear, Fast, Best };

struct TierSpec {
    const char *name;
    uint32_t half_periods;  // K: taps span K periods of the lower rate on each side
    double passband;        // passband edge, fraction of the lower rate's Nyquist
    double cutoff;          // -6 dB point of the sinc, fraction of the lower Nyquist
    double design_db;       // Kaiser design attenuation (sets beta)
    double max_ripple_db;   // guaranteed: |gain in dB| over the passband at most this
    double min_stopband_db; // guaranteed: attenuation over the stopband at least this
    // Stopband: sinc tiers, every frequency from the lower Nyquist up; linear, the alias bands
    // of its passband (|f - k Fs_low| <= passband x Nyquist, k >= 1), the only frequencies
    // that fold onto its passband.
    bool stopband_is_alias_bands;
};

constexpr uint32_t kTierCount = 3;
const TierSpec &tier_spec(Tier tier);
extern const char *const kTierNames[kTierCount];

// Half-length W of the prototype for a lower-rate period P: K x P rounded up to a multiple of
// `multiple` (the round-trip resampler needs 2W to be a multiple of L for an integer delay).
uint32_t half_length(Tier tier, uint32_t period, uint32_t multiple = 1);

// The prototype's 2W + 1 taps (h[k + W]); taps beyond K x P are zero. Allocates: call in prepare.
std::vector<double> design(Tier tier, uint32_t period, uint32_t half_width);

// Zeroth-order modified Bessel function of the first kind (power series), for the Kaiser window.
double bessel_i0(double x);

} // namespace amp::dsp::resample
