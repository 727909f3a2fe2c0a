// fft_plan_cache.cpp: the process-wide plan cache behind FftPlan::complex and FftPlan::real.
// The mutex is held while a plan is looked up or built; executing a plan takes no lock.
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "dsp/fft/fft.h"
#include "dsp/fft/plans.h"

namespace amp::dsp {
namespace {

std::shared_ptr<const FftPlan> cached(std::size_t n, bool real) {
    if (n == 0) throw std::invalid_argument("FFT size must be at least 1");
    static std::mutex mutex;
    static std::map<std::pair<std::size_t, bool>, std::shared_ptr<const FftPlan>> plans;
    std::lock_guard<std::mutex> lock(mutex);
    auto &slot = plans[{n, real}];
    if (!slot) slot = real ? fft::build_real_plan(n) : fft::build_complex_plan(n);
    return slot;
}

} // namespace

std::shared_ptr<const FftPlan> FftPlan::complex(std::size_t n) { return cached(n, false); }
std::shared_ptr<const FftPlan> FftPlan::real(std::size_t n) { return cached(n, true); }

} // namespace amp::dsp
