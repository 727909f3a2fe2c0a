// control_curve.h: sampling one control-history curve (AmpHistoryCurve) at a time in frames.
//
// Rule, for points (t_i, v_i) with ascending t_i:
//   before the first point: v_0; at or after the last point: v_last;
//   step:   v_i of the last point with t_i <= t;
//   linear: v_i + (v_{i+1} - v_i) * (t - t_i) / (t_{i+1} - t_i) for t_i <= t < t_{i+1}
//           (two points at the same time make a jump: the later one applies from then on).
// The value depends on t alone, so any split of a render into blocks samples the same values.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "amp_native.h"

namespace amp::dsp {

// Index of the last point with time <= t, or -1 when t precedes every point (binary search).
inline int64_t curve_segment(const AmpHistoryCurve &curve, double t) {
    int64_t low = 0, high = static_cast<int64_t>(curve.point_count) - 1, found = -1;
    while (low <= high) {
        const int64_t mid = low + (high - low) / 2;
        if (curve.times_frames[mid] <= t) {
            found = mid;
            low = mid + 1;
        } else {
            high = mid - 1;
        }
    }
    return found;
}

inline double sample_curve(const AmpHistoryCurve &curve, double t) {
    const int64_t i = curve_segment(curve, t);
    if (i < 0) return curve.values[0];
    const uint32_t last = curve.point_count - 1;
    if (curve.interpolation == AMP_INTERPOLATION_STEP || static_cast<uint32_t>(i) >= last)
        return curve.values[i];
    const double t0 = curve.times_frames[i], t1 = curve.times_frames[i + 1];
    const double v0 = curve.values[i], v1 = curve.values[i + 1];
    const double fraction = (t - t0) / (t1 - t0);
    const double delta = v1 - v0;
    if (std::isfinite(delta)) return v0 + delta * fraction;
    // |v1 - v0| exceeds the double range (finite values of opposite signs near it, e.g. 1e308
    // and -1e308): interpolate halves, which cannot overflow, and keep the result between the
    // two values (the plain formula gave inf - inf = NaN). Found by fuzz_control_history.
    const double half = 0.5 * v0 + (0.5 * v1 - 0.5 * v0) * fraction;
    return std::fmin(std::fmax(2.0 * half, std::fmin(v0, v1)), std::fmax(v0, v1));
}

// The curve called `name` in `history`, or null.
inline const AmpHistoryCurve *find_curve(const AmpControlHistory *history, const char *name) {
    if (history == nullptr || name == nullptr) return nullptr;
    for (uint32_t i = 0; i < history->curve_count; ++i)
        if (history->curves[i].name != nullptr && std::strcmp(history->curves[i].name, name) == 0)
            return &history->curves[i];
    return nullptr;
}

} // namespace amp::dsp
