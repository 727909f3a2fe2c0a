// series_columns.cpp: display reductions of per-frame series (heat curves, flags): per-column sum,
// mean and max over a span, and running sums. See amp_native.h for the contracts.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "amp_native.h"

namespace {

// A value as it enters a reduction: non-finite values count as 0.
inline double finite_or_zero(double x) { return std::isfinite(x) ? x : 0.0; }

} // namespace

extern "C" {

int32_t amp_analysis_column_stats(const double *data, uint32_t lanes, uint32_t frames,
                                  uint32_t start, uint32_t end, uint32_t columns, double *sum_out,
                                  double *mean_out, double *max_out) {
    try {
        if (data == nullptr || sum_out == nullptr || mean_out == nullptr || max_out == nullptr)
            return AMP_ERR_INVALID_ARGUMENT;
        if (end > frames || start >= end || columns == 0 || columns > end - start)
            return AMP_ERR_INVALID_ARGUMENT;
        const uint64_t span = uint64_t{end} - start;
        for (uint64_t lane = 0; lane < lanes; ++lane) {
            const double *row = data + lane * frames;
            for (uint64_t c = 0; c < columns; ++c) {
                const uint64_t first = start + c * span / columns;
                const uint64_t last = start + (c + 1) * span / columns;
                double sum = 0.0;
                double peak = finite_or_zero(row[first]);
                for (uint64_t f = first; f < last; ++f) {
                    const double x = finite_or_zero(row[f]);
                    sum += x;
                    peak = std::fmax(peak, x);
                }
                const size_t out = static_cast<size_t>(lane * columns + c);
                sum_out[out] = sum;
                mean_out[out] = sum / static_cast<double>(last - first);
                max_out[out] = peak;
            }
        }
        return AMP_OK;
    } catch (...) {
        return AMP_ERR_INTERNAL;
    }
}

int32_t amp_analysis_running_sum(const double *data, uint32_t lanes, uint32_t n, double *out) {
    try {
        if ((data == nullptr || out == nullptr) && uint64_t{lanes} * n > 0)
            return AMP_ERR_INVALID_ARGUMENT;
        for (uint64_t lane = 0; lane < lanes; ++lane) {
            double total = 0.0;
            for (uint64_t i = 0; i < n; ++i) {
                total += finite_or_zero(data[lane * n + i]);
                out[lane * n + i] = total;
            }
        }
        return AMP_OK;
    } catch (...) {
        return AMP_ERR_INTERNAL;
    }
}

} // extern "C"
