// band_energy.cpp: energy per frequency band and analysis frame (see analysis.h). Bin k's
// energy is c_k |X_k|^2 / size (Parseval: the bins sum to sum((w x)^2) over the frame); bin k
// belongs to [low, high) when low <= k binHz < high, or k binHz = high = Nyquist.
#include "analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "amp_native.h"
#include "analysis/frame_checks.h"
#include "runtime/errors.h"

namespace amp::analysis {

namespace {

[[noreturn]] void fail(const std::string &detail) {
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "", detail);
}

// First bin at or above hz.
std::size_t first_bin_at(double hz, double bin_hz, std::size_t bins) {
    const double k = std::ceil(hz / bin_hz - 1e-9);
    return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(bins)));
}

} // namespace

void band_energy(Plan &plan, const LaneSet &set, const double *bands, uint32_t band_count,
                 double *energy, double *level_db, double *times) {
    const double rate = plan.config().sample_rate, nyquist = rate / 2.0;
    if (band_count < 1 || band_count > 1024 || bands == nullptr)
        fail("analysis option \"bands\" expects 1 to 1024 bands, got " +
             std::to_string(band_count));
    for (uint32_t b = 0; b < band_count; ++b) {
        const double low = bands[2 * b], high = bands[2 * b + 1];
        if (!(std::isfinite(low) && std::isfinite(high) && low >= 0.0 && low < high &&
              high <= nyquist))
            fail("analysis option \"bands[" + std::to_string(b) +
                 "]\" expects [low, high) Hz with 0 <= low < high <= " + format_number(nyquist) +
                 " (Nyquist), got [" + format_number(low) + ", " + format_number(high) + "]");
    }
    const uint64_t frames = check_frames(plan, set);
    const std::size_t bins = plan.bins(), size = plan.size();
    const double bin_hz = plan.bin_hz();
    const double level_scale = 1.0 / (plan.window_square_sum() * 0.5);
    double *values = plan.scratch_b();
    for (uint64_t m = 0; m < frames; ++m)
        times[m] = (static_cast<double>(m * plan.hop()) + 0.5 * static_cast<double>(size)) / rate;
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i);
        for (uint64_t m = 0; m < frames; ++m) {
            plan.frame_power(x + m * plan.hop(), values);
            for (std::size_t k = 0; k < bins; ++k)
                values[k] *= one_sided_factor(k, size) / static_cast<double>(size);
            for (uint32_t b = 0; b < band_count; ++b) {
                const double high = bands[2 * b + 1];
                const std::size_t begin = first_bin_at(bands[2 * b], bin_hz, bins);
                const std::size_t end = high >= nyquist ? bins : first_bin_at(high, bin_hz, bins);
                double sum = 0.0;
                for (std::size_t k = begin; k < end; ++k) sum += values[k];
                const std::size_t at = (std::size_t{i} * band_count + b) * frames + m;
                energy[at] = sum;
                level_db[at] = plan.to_db(sum * level_scale);
            }
        }
    }
}

} // namespace amp::analysis
