// series.h: display reductions of per-frame series (amp_analysis_column_stats,
// amp_analysis_running_sum), 1:1 with the C ABI.
#pragma once

#include <napi.h>

namespace amp_binding {

// columnStats(data, lanes, frames, start, end, columns): {sum, mean, max}, each lanes x columns.
Napi::Value ColumnStats(const Napi::CallbackInfo &info);
// runningSum(data, lanes, n): Float64Array of lanes x n running sums.
Napi::Value RunningSum(const Napi::CallbackInfo &info);

} // namespace amp_binding
