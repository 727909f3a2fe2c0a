// levels.cpp: peak, RMS, DC and crest factor of every lane (see analysis.h). Non-finite
// samples count as 0 (the contract of amp_analyze_levels).
#include "analysis/analysis.h"

#include <cmath>

#include "dsp/frame_lanes.h"

namespace amp::analysis {

void levels(const double *data, uint64_t lanes, uint64_t frames, double *peak, double *rms,
            double *dc, double *crest, double *crest_db) {
    for (uint64_t lane = 0; lane < lanes; ++lane) {
        const double *row = data + lane * frames;
        double top = 0.0, sum = 0.0;
        for (uint64_t f = 0; f < frames; ++f) {
            const double x = std::isfinite(row[f]) ? row[f] : 0.0;
            // Neither value is NaN here, so this is fmax's result without its libm call per sample.
            const double magnitude = std::fabs(x);
            top = magnitude > top ? magnitude : top;
            sum += x;
        }
        // by frame lanes, as AmpMeters sums it (so a render's meters equal these levels)
        const double energy = dsp::sum_of_squares_by_frame_lanes(row, frames);
        const double count = static_cast<double>(frames);
        peak[lane] = top;
        rms[lane] = frames > 0 ? std::sqrt(energy / count) : 0.0;
        if (dc != nullptr) dc[lane] = frames > 0 ? sum / count : 0.0;
        const double factor = rms[lane] > 0.0 ? top / rms[lane] : 0.0;
        if (crest != nullptr) crest[lane] = factor;
        if (crest_db != nullptr) crest_db[lane] = factor > 0.0 ? 20.0 * std::log10(factor) : 0.0;
    }
}

} // namespace amp::analysis
