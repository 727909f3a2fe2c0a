// spectrogram.cpp: STFT power over time in dBFS (see analysis.h). Frame m covers
// [m hop, m hop + size); column c averages (in power) frames [floor(c M / C), floor((c+1) M / C))
// and sits at the mean of their centres. Values as the power spectrum's (re 0.5 FS^2).
#include "analysis/analysis.h"

#include <algorithm>
#include <string>

#include "amp_native.h"
#include "analysis/frame_checks.h"
#include "runtime/errors.h"

namespace amp::analysis {

void spectrogram(Plan &plan, const LaneSet &set, uint32_t columns, double *db, double *times,
                 double range[2]) {
    const uint64_t frames = check_frames(plan, set);
    if (columns < 1 || columns > frames)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis argument \"columns\" expects an integer in [1, " +
                             std::to_string(frames) + "] (the analysis frames), got " +
                             std::to_string(columns));
    const std::size_t bins = plan.bins(), points = plan.points(), size = plan.size();
    const double s1 = plan.window_sum(), rate = plan.config().sample_rate;
    double *acc = plan.scratch_a(), *values = plan.scratch_b();
    range[0] = 0.0;
    range[1] = plan.config().floor_db;
    for (uint32_t c = 0; c < columns; ++c) {
        const uint64_t first = frames * c / columns, last = frames * (c + 1) / columns;
        const double centre =
            (static_cast<double>(first + last - 1) * 0.5) * static_cast<double>(plan.hop()) +
            0.5 * static_cast<double>(size);
        times[c] = centre / rate;
    }
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i);
        for (uint32_t c = 0; c < columns; ++c) {
            const uint64_t first = frames * c / columns, last = frames * (c + 1) / columns;
            std::fill(acc, acc + bins, 0.0);
            for (uint64_t m = first; m < last; ++m) {
                plan.frame_power(x + m * plan.hop(), values);
                for (std::size_t k = 0; k < bins; ++k) acc[k] += values[k];
            }
            const double scale = 1.0 / (static_cast<double>(last - first) * s1 * s1 * 0.5);
            for (std::size_t k = 0; k < bins; ++k)
                values[k] = one_sided_factor(k, size) * acc[k] * scale;
            double *out = db + (std::size_t{i} * columns + c) * points;
            plan.map_to_points(values, out, Reduce::Mean);
            for (std::size_t r = 0; r < points; ++r) {
                out[r] = plan.to_db(out[r]);
                range[0] = std::min(range[0], out[r]);
                range[1] = std::max(range[1], out[r]);
            }
        }
    }
}

} // namespace amp::analysis
