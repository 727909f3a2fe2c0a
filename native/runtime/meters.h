// meters.h: running output levels of a render (AmpMeters, amp_native.h), accumulated after each
// block by the executor: peak |x| and the sum of x^2 per lane, in frame order, for the whole
// run and for the window the host clears after each progress report.
#pragma once

#include <cstdint>

#include "amp_native.h"

namespace amp {

// Throws AmpFailure (AMP_ERR_SHAPE_MISMATCH / AMP_ERR_INVALID_ARGUMENT) unless `meters` has
// `lanes` lanes and every array.
void check_meters(const AmpMeters &meters, uint32_t lanes);

// Adds n frames of each lane (lane l's row at rows + l * lane_stride) to the meters.
// Allocates nothing.
void accumulate_meters(AmpMeters &meters, const double *rows, uint64_t lane_stride, uint32_t n);

} // namespace amp
