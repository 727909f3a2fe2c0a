// levels.cpp: peak, RMS, DC and crest factor of every lane (see analysis.h). Non-finite
// samples count as 0 (the contract of amp_analyze_levels).
#include "analysis/analysis.h"

#include <cmath>

#include "dsp/frame_lanes.h"

namespace amp::analysis {

namespace {

// Lanes whose peak and sum run side by side (see peaks_and_sums).
constexpr uint64_t kLaneGroup = 4;

// peak = max |x| and sum = x[0] + x[1] + ... (added in frame order) of `count` (<= kLaneGroup)
// rows of `frames` samples, `frames` apart, non-finite samples as 0. Each row's sum is one serial
// chain of additions (its order fixes its bits), bound by the addition's latency; the rows' chains
// are independent, so running up to kLaneGroup of them in one loop overlaps them (each row's
// additions and their order are unchanged: the same bits as one row at a time).
template <uint64_t Count>
void peaks_and_sums(const double *data, uint64_t frames, double *top, double *sum) {
    double t[Count] = {}, s[Count] = {};
    for (uint64_t f = 0; f < frames; ++f) {
        for (uint64_t r = 0; r < Count; ++r) {
            const double x = dsp::finite_or_zero(data[r * frames + f]);
            // Neither value is NaN, so this is fmax's result (without a libm call per sample).
            const double magnitude = std::fabs(x);
            t[r] = magnitude > t[r] ? magnitude : t[r];
            s[r] += x;
        }
    }
    for (uint64_t r = 0; r < Count; ++r) {
        top[r] = t[r];
        sum[r] = s[r];
    }
}

} // namespace

void levels(const double *data, uint64_t lanes, uint64_t frames, double *peak, double *rms,
            double *dc, double *crest, double *crest_db) {
    for (uint64_t first = 0; first < lanes; first += kLaneGroup) {
        double top[kLaneGroup], sum[kLaneGroup];
        const double *rows = data + first * frames;
        const uint64_t count = lanes - first < kLaneGroup ? lanes - first : kLaneGroup;
        switch (count) {
        case 1: peaks_and_sums<1>(rows, frames, top, sum); break;
        case 2: peaks_and_sums<2>(rows, frames, top, sum); break;
        case 3: peaks_and_sums<3>(rows, frames, top, sum); break;
        default: peaks_and_sums<kLaneGroup>(rows, frames, top, sum); break;
        }
        for (uint64_t r = 0; r < count; ++r) {
            const uint64_t lane = first + r;
            // by frame lanes, as AmpMeters sums it (so a render's meters equal these levels)
            const double energy = dsp::sum_of_squares_by_frame_lanes(rows + r * frames, frames);
            const double count_frames = static_cast<double>(frames);
            peak[lane] = top[r];
            rms[lane] = frames > 0 ? std::sqrt(energy / count_frames) : 0.0;
            if (dc != nullptr) dc[lane] = frames > 0 ? sum[r] / count_frames : 0.0;
            const double factor = rms[lane] > 0.0 ? top[r] / rms[lane] : 0.0;
            if (crest != nullptr) crest[lane] = factor;
            if (crest_db != nullptr)
                crest_db[lane] = factor > 0.0 ? 20.0 * std::log10(factor) : 0.0;
        }
    }
}

} // namespace amp::analysis
