// peaks.cpp: spectral peaks of the Welch power spectrum (see analysis.h).
//
// A peak is a bin k with P[k-1] < P[k] >= P[k+1]. Its offset d (bins, in [-0.5, 0.5]) starts
// as the vertex of the parabola through ln P[k-1], ln P[k], ln P[k+1], and is then refined so
// that the window's own kernel K (dsp::window_kernel_power) explains the two neighbours:
//     ln K(1 - d) - ln K(1 + d) = ln P[k+1] - ln P[k-1]
// (exact for one steady sine; solved by regula falsi, Illinois variant). Level: P[k] / K(d),
// in dBFS. When the equation has no root in [-0.5, 0.5] (not a lone sine), the parabola stays.
#include "analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "amp_native.h"
#include "analysis/frame_checks.h"
#include "runtime/errors.h"

namespace amp::analysis {

namespace {

struct KernelFit {
    const double *window;
    std::size_t n;
    double target; // ln P[k+1] - ln P[k-1]
    double operator()(double d) const {
        return std::log(dsp::window_kernel_power(window, n, 1.0 - d)) -
               std::log(dsp::window_kernel_power(window, n, 1.0 + d)) - target;
    }
};

double refine_offset(const KernelFit &fit, double fallback) {
    double a = -0.5, b = 0.5, fa = fit(a), fb = fit(b);
    if (!(std::isfinite(fa) && std::isfinite(fb)) || fa * fb > 0.0) return fallback;
    int side = 0;
    for (int iteration = 0; iteration < 60 && b - a > 1e-9; ++iteration) {
        const double c = (a * fb - b * fa) / (fb - fa);
        const double fc = fit(c);
        if (fc == 0.0) return c;
        if (fc * fb > 0.0) {
            b = c;
            fb = fc;
            if (side == -1) fa *= 0.5;
            side = -1;
        } else {
            a = c;
            fa = fc;
            if (side == 1) fb *= 0.5;
            side = 1;
        }
    }
    return 0.5 * (a + b);
}

} // namespace

void peaks(Plan &plan, const LaneSet &set, uint32_t max_peaks, double min_db, double *frequency,
           double *bin, double *level_db, uint32_t *found) {
    if (plan.config().scale != Scale::Bins)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis option \"scale\" expects bins (no resampling) for peaks");
    if (max_peaks < 1 || max_peaks > 1000)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis option \"count\" expects an integer in [1, 1000], got " +
                             std::to_string(max_peaks));
    if (!std::isfinite(min_db))
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis option \"minDb\" expects a finite number (dBFS), got " +
                             format_number(min_db));
    const uint64_t segments = check_frames(plan, set);
    const std::size_t bins = plan.bins(), size = plan.size();
    const double s1 = plan.window_sum();
    const double scale = 1.0 / (static_cast<double>(segments) * s1 * s1 * 0.5);
    double *acc = plan.scratch_a(), *power = plan.scratch_b();
    const double threshold = std::pow(10.0, min_db / 10.0);
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i);
        std::fill(acc, acc + bins, 0.0);
        for (uint64_t s = 0; s < segments; ++s) {
            plan.frame_power(x + s * plan.hop(), power);
            for (std::size_t k = 0; k < bins; ++k) acc[k] += power[k];
        }
        for (std::size_t k = 0; k < bins; ++k)
            power[k] = one_sided_factor(k, size) * acc[k] * scale; // re a full-scale sine
        // The strongest local maxima, kept sorted (descending) in bin[] as bin indices.
        double *top = bin + std::size_t{i} * max_peaks;
        uint32_t count = 0;
        for (std::size_t k = 1; k + 1 < bins; ++k) {
            if (!(power[k] > power[k - 1] && power[k] >= power[k + 1] && power[k] >= threshold))
                continue;
            if (count == max_peaks && power[k] <= power[static_cast<std::size_t>(top[count - 1])])
                continue;
            uint32_t at = count < max_peaks ? count++ : count - 1;
            while (at > 0 && power[static_cast<std::size_t>(top[at - 1])] < power[k]) {
                top[at] = top[at - 1];
                --at;
            }
            top[at] = static_cast<double>(k);
        }
        found[i] = count;
        for (uint32_t p = 0; p < count; ++p) {
            const std::size_t k = static_cast<std::size_t>(top[p]);
            const double a = std::log(power[k - 1]), b = std::log(power[k]),
                         c = std::log(power[k + 1]);
            const double curvature = a - 2.0 * b + c;
            double offset =
                curvature < 0.0 ? std::clamp(0.5 * (a - c) / curvature, -0.5, 0.5) : 0.0;
            if (std::isfinite(a) && std::isfinite(c))
                offset = refine_offset(KernelFit{plan.window(), size, c - a}, offset);
            const double kernel = dsp::window_kernel_power(plan.window(), size, offset);
            const std::size_t at = std::size_t{i} * max_peaks + p;
            bin[at] = static_cast<double>(k) + offset;
            frequency[at] = bin[at] * plan.bin_hz();
            level_db[at] = 10.0 * std::log10(power[k] / kernel);
        }
    }
}

} // namespace amp::analysis
