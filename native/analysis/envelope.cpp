// envelope.cpp: exact min, max and RMS per display column (see analysis.h). Column c covers
// [start + floor(c L / C), start + floor((c + 1) L / C)), L = end - start. A fast vector pass
// computes min, max and sum of squares; when its sum is not finite (a NaN or Inf sample, or an
// overflow) the column is scanned again sample by sample, leaving non-finite samples out.
#include "analysis/analysis.h"

#include <cmath>
#include <cstring>
#include <string>

#include "amp_native.h"
#include "runtime/errors.h"

namespace amp::analysis {

namespace {

struct ColumnStats {
    double min, max, sum_squares;
    uint64_t finite;
};

ColumnStats fast_column(const double *x, uint64_t n) {
    typedef double Lanes __attribute__((vector_size(32)));
    const double first = x[0];
    Lanes lo = {first, first, first, first}, hi = lo, sq = {0.0, 0.0, 0.0, 0.0}, sq2 = sq;
    uint64_t f = 0;
    for (; f + 8 <= n; f += 8) {
        Lanes v, w;
        std::memcpy(&v, x + f, sizeof v);
        std::memcpy(&w, x + f + 4, sizeof w);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        lo = w < lo ? w : lo;
        hi = w > hi ? w : hi;
        sq += v * v;
        sq2 += w * w;
    }
    ColumnStats s{lo[0], hi[0], 0.0, n};
    for (int k = 1; k < 4; ++k) {
        s.min = lo[k] < s.min ? lo[k] : s.min;
        s.max = hi[k] > s.max ? hi[k] : s.max;
    }
    sq += sq2;
    s.sum_squares = (sq[0] + sq[1]) + (sq[2] + sq[3]);
    for (; f < n; ++f) {
        s.min = x[f] < s.min ? x[f] : s.min;
        s.max = x[f] > s.max ? x[f] : s.max;
        s.sum_squares += x[f] * x[f];
    }
    return s;
}

ColumnStats careful_column(const double *x, uint64_t n) {
    ColumnStats s{0.0, 0.0, 0.0, 0};
    for (uint64_t f = 0; f < n; ++f) {
        if (!std::isfinite(x[f])) continue;
        s.min = s.finite == 0 || x[f] < s.min ? x[f] : s.min;
        s.max = s.finite == 0 || x[f] > s.max ? x[f] : s.max;
        s.sum_squares += x[f] * x[f];
        ++s.finite;
    }
    return s;
}

} // namespace

void envelope(const LaneSet &set, uint64_t start, uint64_t end, uint32_t columns, double *min,
              double *max, double *rms, uint32_t *non_finite) {
    check_lanes(set);
    if (start >= set.frames)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis option \"start\" expects an integer in [0, " +
                             std::to_string(set.frames - 1) + "] frames, got " +
                             std::to_string(start));
    if (end <= start || end > set.frames)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis option \"end\" expects an integer in [" +
                             std::to_string(start + 1) + ", " + std::to_string(set.frames) +
                             "] frames, got " + std::to_string(end));
    const uint64_t span = end - start;
    if (columns < 1 || columns > span)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis argument \"columns\" expects an integer in [1, " +
                             std::to_string(span) + "] (the frames of the span), got " +
                             std::to_string(columns));
    for (uint32_t i = 0; i < set.count; ++i) {
        const double *x = set.lane(i) + start;
        for (uint32_t c = 0; c < columns; ++c) {
            const uint64_t first = span * c / columns, last = span * (c + 1) / columns;
            ColumnStats s = fast_column(x + first, last - first);
            if (!std::isfinite(s.sum_squares) || !std::isfinite(s.min) || !std::isfinite(s.max))
                s = careful_column(x + first, last - first);
            const std::size_t at = std::size_t{i} * columns + c;
            min[at] = s.min;
            max[at] = s.max;
            rms[at] = s.finite > 0 ? std::sqrt(s.sum_squares / static_cast<double>(s.finite)) : 0.0;
            non_finite[at] = static_cast<uint32_t>(last - first - s.finite);
        }
    }
}

} // namespace amp::analysis
