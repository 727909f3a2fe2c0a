// plans.h: constructors of the public plan kinds, used by the plan cache (fft_plan_cache.cpp).
#pragma once

#include <memory>

#include "dsp/fft/fft.h"

namespace amp::dsp::fft {

// Complex transform of n >= 1 points (Stockham for 2^a 3^b 5^c, Bluestein otherwise).
std::shared_ptr<const FftPlan> build_complex_plan(std::size_t n);
// Real transform of n >= 1 points: even n through a complex transform of n/2 points and a
// post-twiddle pass, odd n through a complex transform of n points.
std::shared_ptr<const FftPlan> build_real_plan(std::size_t n);

} // namespace amp::dsp::fft
