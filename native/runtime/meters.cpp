// meters.cpp: see meters.h. Non-finite samples count as 0 (amp_analyze_levels' rule) and are
// counted; energy is one running sum per lane in frame order, so it equals the sum a single
// pass over the concatenated output makes.
#include "runtime/meters.h"

#include <cmath>
#include <string>

#include "runtime/errors.h"

namespace amp {

void check_meters(const AmpMeters &meters, uint32_t lanes) {
    if (meters.lanes != lanes)
        throw AmpFailure(AMP_ERR_SHAPE_MISMATCH, "execute", "",
                         "meters hold " + std::to_string(meters.lanes) +
                             " lanes; batches x output channels is " + std::to_string(lanes));
    if (meters.peak == nullptr || meters.energy == nullptr || meters.window_peak == nullptr ||
        meters.window_energy == nullptr)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "execute", "",
                         "meters need peak, energy, window_peak and window_energy arrays");
}

void accumulate_meters(AmpMeters &meters, const double *rows, uint64_t lane_stride, uint32_t n) {
    uint64_t bad = 0;
    for (uint32_t lane = 0; lane < meters.lanes; ++lane) {
        const double *x = rows + lane * lane_stride;
        double peak = meters.peak[lane], energy = meters.energy[lane];
        double window_peak = meters.window_peak[lane], window_energy = meters.window_energy[lane];
        for (uint32_t f = 0; f < n; ++f) {
            double v = x[f];
            if (!std::isfinite(v)) {
                ++bad;
                v = 0.0;
            }
            // a is finite and >= +0, so a plain comparison gives fmax's result (std::fmax is a
            // libm call per sample here: NaN rules).
            const double a = std::fabs(v), sq = v * v;
            peak = a > peak ? a : peak;
            energy += sq;
            window_peak = a > window_peak ? a : window_peak;
            window_energy += sq;
        }
        meters.peak[lane] = peak;
        meters.energy[lane] = energy;
        meters.window_peak[lane] = window_peak;
        meters.window_energy[lane] = window_energy;
    }
    meters.frames += n;
    meters.window_frames += n;
    meters.nonfinite += bad;
}

} // namespace amp
