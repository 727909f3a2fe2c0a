// spectrum.cpp: Welch averaged power spectrum and PSD (see analysis.h, docs/analysis.md).
//   power_k = c_k mean_s |X_k|^2 / sum(w)^2      (FS^2; a full-scale sine: 0.5)  -> dBFS re 0.5
//   psd_k   = c_k mean_s |X_k|^2 / (sr sum(w^2)) (FS^2/Hz)                       -> dB re 1
// with c_k the one-sided factor; segments start at 0, hop apart, no padding.
#include "analysis/analysis.h"

#include <algorithm>

#include "analysis/frame_checks.h"

namespace amp::analysis {

uint64_t spectrum(Plan &plan, const LaneSet &set, double *power_db, double *psd_db) {
    const uint64_t segments = check_frames(plan, set);
    const std::size_t bins = plan.bins(), points = plan.points(), size = plan.size();
    double *acc = plan.scratch_a(), *values = plan.scratch_b();
    const double s1 = plan.window_sum();
    const double power_scale = 1.0 / (static_cast<double>(segments) * s1 * s1 * 0.5);
    const double psd_scale = 1.0 / (static_cast<double>(segments) * plan.config().sample_rate *
                                    plan.window_square_sum());
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i);
        std::fill(acc, acc + bins, 0.0);
        for (uint64_t s = 0; s < segments; ++s) {
            plan.frame_power(x + s * plan.hop(), values);
            for (std::size_t k = 0; k < bins; ++k) acc[k] += values[k];
        }
        double *power_out = power_db + std::size_t{i} * points;
        double *psd_out = psd_db + std::size_t{i} * points;
        for (std::size_t k = 0; k < bins; ++k)
            values[k] = one_sided_factor(k, size) * acc[k] * power_scale;
        plan.map_to_points(values, power_out, Reduce::Max);
        for (std::size_t k = 0; k < bins; ++k)
            values[k] = one_sided_factor(k, size) * acc[k] * psd_scale;
        plan.map_to_points(values, psd_out, Reduce::Max);
        for (std::size_t r = 0; r < points; ++r) {
            power_out[r] = plan.to_db(power_out[r]);
            psd_out[r] = plan.to_db(psd_out[r]);
        }
    }
    return segments;
}

} // namespace amp::analysis
