// meters.cpp: see meters.h. Non-finite samples count as 0 (amp_analyze_levels' rule) and are
// counted; energy is summed per lane in frame lanes (dsp/frame_lanes.h) from the meters' first
// frame, so it equals the sum the levels functions make over the concatenated output.
//
// Cost: one pass over each lane's block (|x|, x^2 added to the stream's frame lanes and to the
// block's own lanes for the window, a running max), branch-free so it vectorises. The pass
// first assumes every sample is finite; a non-finite sample makes the block's own sum
// non-finite, and only then is the block metered again from the saved lanes with the finite
// check per sample (same lanes, same order of additions: the same bits where samples are
// finite).
#include "runtime/meters.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>

#include "dsp/frame_lanes.h"
#include "runtime/errors.h"

namespace amp {

namespace {

using dsp::kFrameLanes;

// |x| of one sample; with kChecked, 0 for a non-finite sample, which `bad` counts.
template <bool kChecked>
inline double level(double x, uint64_t &bad) {
    const double a = std::fabs(x);
    if constexpr (kChecked) {
        const bool finite = a <= DBL_MAX; // false for +-inf and NaN
        bad += finite ? 0 : 1;
        return finite ? a : 0.0;
    } else {
        (void)bad;
        return a;
    }
}

// One lane's block of n frames (x), the first at stream frame `position`: adds |x|^2 (which is
// x^2) to `partials` (the lane's energy_lanes) in lane (position + f) mod kFrameLanes, sums the
// block alone in the same lanes into *window (folded), and returns the block's peak |x|.
template <bool kChecked>
double meter_row(const double *x, uint32_t n, uint64_t position, double *partials, double *window,
                 uint64_t &bad) {
    double own[kFrameLanes] = {};
    double peak = 0.0;
    uint32_t f = 0;
    uint32_t lane = static_cast<uint32_t>(position % kFrameLanes);
    for (; f < n && lane != 0; ++f, lane = (lane + 1) % kFrameLanes) {
        const double a = level<kChecked>(x[f], bad);
        partials[lane] += a * a;
        own[lane] += a * a;
        peak = a > peak ? a : peak;
    }
    if (f + kFrameLanes <= n) {
        if constexpr (kChecked) {
            // Lane j of the body is stream lane j; kept in locals so the loop stays in registers.
            double sum[kFrameLanes], block[kFrameLanes], top[kFrameLanes];
            for (uint32_t j = 0; j < kFrameLanes; ++j) {
                sum[j] = partials[j];
                block[j] = own[j];
                top[j] = 0.0;
            }
            for (; f + kFrameLanes <= n; f += kFrameLanes)
                for (uint32_t j = 0; j < kFrameLanes; ++j) {
                    const double a = level<kChecked>(x[f + j], bad);
                    sum[j] += a * a;
                    block[j] += a * a;
                    top[j] = a > top[j] ? a : top[j];
                }
            for (uint32_t j = 0; j < kFrameLanes; ++j) {
                partials[j] = sum[j];
                own[j] = block[j];
                peak = top[j] > peak ? top[j] : peak;
            }
        } else {
            // Stream lanes 0-3 and 4-7 in two vectors; the peak is max(largest x, -smallest x)
            // (exact), with +0 where every sample is a zero, as max |x| gives.
            typedef double Lanes __attribute__((vector_size(32)));
            static_assert(kFrameLanes == 8, "two 4-lane vectors per row of frame lanes");
            Lanes sum0, sum1, own0, own1;
            std::memcpy(&sum0, partials, sizeof sum0);
            std::memcpy(&sum1, partials + 4, sizeof sum1);
            std::memcpy(&own0, own, sizeof own0);
            std::memcpy(&own1, own + 4, sizeof own1);
            Lanes hi0 = {0.0, 0.0, 0.0, 0.0}, hi1 = hi0, lo0 = hi0, lo1 = hi0;
            for (; f + kFrameLanes <= n; f += kFrameLanes) {
                Lanes v, w;
                std::memcpy(&v, x + f, sizeof v);
                std::memcpy(&w, x + f + 4, sizeof w);
                const Lanes vv = v * v, ww = w * w;
                sum0 += vv;
                own0 += vv;
                sum1 += ww;
                own1 += ww;
                hi0 = v > hi0 ? v : hi0;
                lo0 = v < lo0 ? v : lo0;
                hi1 = w > hi1 ? w : hi1;
                lo1 = w < lo1 ? w : lo1;
            }
            std::memcpy(partials, &sum0, sizeof sum0);
            std::memcpy(partials + 4, &sum1, sizeof sum1);
            std::memcpy(own, &own0, sizeof own0);
            std::memcpy(own + 4, &own1, sizeof own1);
            for (int k = 0; k < 4; ++k)
                for (const double a : {hi0[k], -lo0[k], hi1[k], -lo1[k]})
                    peak = a > peak ? a : peak;
        }
    }
    for (uint32_t j = 0; f < n; ++f, ++j) {
        const double a = level<kChecked>(x[f], bad);
        partials[j] += a * a;
        own[j] += a * a;
        peak = a > peak ? a : peak;
    }
    *window = dsp::fold_frame_lanes(own);
    return peak;
}

} // namespace

void check_meters(const AmpMeters &meters, uint32_t lanes) {
    if (meters.lanes != lanes)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "meters hold " + std::to_string(meters.lanes) +
                             " lanes; batches x output channels is " + std::to_string(lanes));
    if (meters.peak == nullptr || meters.energy == nullptr || meters.window_peak == nullptr ||
        meters.window_energy == nullptr || meters.energy_lanes == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "",
                         "meters need peak, energy, window_peak, window_energy and energy_lanes "
                         "arrays");
}

void accumulate_meters(AmpMeters &meters, const double *rows, uint64_t lane_stride, uint32_t n) {
    uint64_t bad = 0;
    for (uint32_t lane = 0; lane < meters.lanes; ++lane) {
        const double *x = rows + lane * lane_stride;
        double *partials = meters.energy_lanes + static_cast<size_t>(lane) * kFrameLanes;
        double saved[kFrameLanes];
        for (uint32_t j = 0; j < kFrameLanes; ++j) saved[j] = partials[j];
        double window = 0.0;
        double peak = meter_row<false>(x, n, meters.frames, partials, &window, bad);
        // Every sample finite <=> every x^2 and their sums finite (or an x^2 overflowed, which
        // the checked pass reproduces).
        if (!std::isfinite(window)) {
            for (uint32_t j = 0; j < kFrameLanes; ++j) partials[j] = saved[j];
            peak = meter_row<true>(x, n, meters.frames, partials, &window, bad);
        }
        meters.peak[lane] = peak > meters.peak[lane] ? peak : meters.peak[lane];
        meters.window_peak[lane] =
            peak > meters.window_peak[lane] ? peak : meters.window_peak[lane];
        meters.energy[lane] = dsp::fold_frame_lanes(partials);
        meters.window_energy[lane] += window;
    }
    meters.frames += n;
    meters.window_frames += n;
    meters.nonfinite += bad;
}

} // namespace amp
