// meters.cpp: see meters.h. Non-finite samples count as 0 (amp_analyze_levels' rule) and are
// counted; energy is summed per lane in frame lanes (dsp/frame_lanes.h) from the meters' first
// frame, so it equals the sum the levels functions make over the concatenated output.
#include "runtime/meters.h"

#include <cmath>
#include <string>

#include "dsp/frame_lanes.h"
#include "runtime/errors.h"

namespace amp {

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
        double peak = meters.peak[lane], window_peak = meters.window_peak[lane];
        for (uint32_t f = 0; f < n; ++f) {
            if (!std::isfinite(x[f])) {
                ++bad;
                continue; // counts as 0: no larger peak
            }
            // finite and >= +0: a plain comparison gives fmax's result without a libm call
            const double a = std::fabs(x[f]);
            peak = a > peak ? a : peak;
            window_peak = a > window_peak ? a : window_peak;
        }
        meters.peak[lane] = peak;
        meters.window_peak[lane] = window_peak;
        double *partials = meters.energy_lanes + static_cast<size_t>(lane) * dsp::kFrameLanes;
        dsp::accumulate_frame_lanes(partials, meters.frames, n, [x](uint32_t f) {
            const double v = dsp::finite_or_zero(x[f]);
            return v * v;
        });
        meters.energy[lane] = dsp::fold_frame_lanes(partials);
        // The window (a display aid) adds this block's own sum: close to, not always the same
        // bits as, the difference of the totals.
        meters.window_energy[lane] += dsp::sum_of_squares_by_frame_lanes(x, n);
    }
    meters.frames += n;
    meters.window_frames += n;
    meters.nonfinite += bad;
}

} // namespace amp
