// centroid.cpp: spectral centroid of each lane's Welch averaged power (see analysis.h):
//     centroid = sum_k f_k P_k / sum_k P_k,   f_k = k * sample_rate / size (Hz)
// over the bins k = 0 .. size / 2 with P_k the one-sided power c_k mean_s |X_k|^2 (the scale of
// the spectrum cancels); 0 Hz for a lane without energy. Segments as the spectrum's.
#include <algorithm>

#include "analysis/analysis.h"
#include "analysis/frame_checks.h"

namespace amp::analysis {

void centroid(Plan &plan, const LaneSet &set, double *centroid_hz) {
    const uint64_t segments = check_frames(plan, set);
    const std::size_t bins = plan.bins(), size = plan.size();
    double *acc = plan.scratch_a(), *values = plan.scratch_b();
    const double bin_hz = plan.bin_hz();
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i);
        std::fill(acc, acc + bins, 0.0);
        for (uint64_t s = 0; s < segments; ++s) {
            plan.frame_power(x + s * plan.hop(), values);
            for (std::size_t k = 0; k < bins; ++k) acc[k] += values[k];
        }
        double weighted = 0.0, total = 0.0;
        for (std::size_t k = 0; k < bins; ++k) {
            const double power = one_sided_factor(k, size) * acc[k];
            weighted += static_cast<double>(k) * bin_hz * power;
            total += power;
        }
        centroid_hz[i] = total > 0.0 ? weighted / total : 0.0;
    }
}

} // namespace amp::analysis
