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

// The value at t in segment i (curve_segment(curve, t)).
inline double sample_segment(const AmpHistoryCurve &curve, int64_t i, double t) {
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

inline double sample_curve(const AmpHistoryCurve &curve, double t) {
    return sample_segment(curve, curve_segment(curve, t), t);
}

// Samples one curve at times that never decrease (a block's frames): the segment found by a
// binary search once, then walked forward; each value equals sample_curve(curve, t).
class CurveCursor {
  public:
    CurveCursor(const AmpHistoryCurve &curve, double first_time)
        : curve_(curve), segment_(curve_segment(curve, first_time)) {}
    double operator()(double t) {
        const int64_t last = static_cast<int64_t>(curve_.point_count) - 1;
        while (segment_ < last && curve_.times_frames[segment_ + 1] <= t) ++segment_;
        return sample_segment(curve_, segment_, t);
    }

    // values[f] = (*this)(static_cast<double>(first + f) - origin) for f < frames (a block's
    // times, origin an integer and first + frames < 2^53, so each time is first + f - origin
    // exactly): per run of frames within one segment, its constant or the linear formula,
    // the same operations on four frames at a time.
    void fill(uint64_t first, double origin, uint32_t frames, double *values) {
        const int64_t last = static_cast<int64_t>(curve_.point_count) - 1;
        auto time = [&](uint32_t f) { return static_cast<double>(first + f) - origin; };
        for (uint32_t f = 0; f < frames;) {
            const double t = time(f);
            while (segment_ < last && curve_.times_frames[segment_ + 1] <= t) ++segment_;
            uint32_t end = frames; // the run: frames before the next point's time
            if (segment_ < last) {
                const double next = curve_.times_frames[segment_ + 1];
                const double gap = std::ceil(next - t);
                end =
                    gap < static_cast<double>(frames - f) ? f + static_cast<uint32_t>(gap) : frames;
                end = end > f ? end : f + 1;
                while (end > f + 1 && time(end - 1) >= next) --end;
                while (end < frames && time(end) < next) ++end;
            }
            fill_run(f, end, time(f), values);
            f = end;
        }
    }

  private:
    // Frames [f, end) of one segment, t_f the first one's time.
    void fill_run(uint32_t f, uint32_t end, double t_f, double *values) const {
        typedef double Lanes __attribute__((vector_size(32)));
        const int64_t i = segment_;
        const uint32_t last = curve_.point_count - 1;
        if (i < 0 || curve_.interpolation == AMP_INTERPOLATION_STEP ||
            static_cast<uint32_t>(i) >= last) {
            const double v = curve_.values[i < 0 ? 0 : i];
            for (; f < end; ++f) values[f] = v;
            return;
        }
        const double t0 = curve_.times_frames[i], t1 = curve_.times_frames[i + 1];
        const double v0 = curve_.values[i], delta = curve_.values[i + 1] - v0;
        if (!std::isfinite(delta)) { // the overflow-safe formula of sample_segment, per frame
            for (uint32_t g = f; g < end; ++g)
                values[g] = sample_segment(curve_, i, t_f + static_cast<double>(g - f));
            return;
        }
        const double span = t1 - t0;
        uint32_t g = f;
        // The frames' times t_f + (g - f), advanced by 4 (integers below 2^53: exact).
        Lanes times = Lanes{t_f, t_f, t_f, t_f} + Lanes{0.0, 1.0, 2.0, 3.0};
        for (; g + 4 <= end; g += 4) {
            const Lanes v = v0 + delta * ((times - t0) / span);
            std::memcpy(values + g, &v, sizeof v);
            times += 4.0;
        }
        for (; g < end; ++g)
            values[g] = v0 + delta * ((t_f + static_cast<double>(g - f) - t0) / span);
    }

    const AmpHistoryCurve &curve_;
    int64_t segment_;
};

// The curve called `name` in `history`, or null.
inline const AmpHistoryCurve *find_curve(const AmpControlHistory *history, const char *name) {
    if (history == nullptr || name == nullptr) return nullptr;
    for (uint32_t i = 0; i < history->curve_count; ++i)
        if (history->curves[i].name != nullptr && std::strcmp(history->curves[i].name, name) == 0)
            return &history->curves[i];
    return nullptr;
}

} // namespace amp::dsp
