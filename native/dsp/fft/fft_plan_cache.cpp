// fft_plan_cache.cpp: the process-wide plan cache behind FftPlan::complex and FftPlan::real.
// Each thread remembers the last few plans it got, so asking again for a recent size takes no
// lock; otherwise the process-wide mutex is held while the plan is looked up or built. Executing
// a plan takes no lock.
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "dsp/fft/fft.h"
#include "dsp/fft/plans.h"

namespace amp::dsp {
namespace {

std::shared_ptr<const FftPlan> shared(std::size_t n, bool real) {
    static std::mutex mutex;
    static std::map<std::pair<std::size_t, bool>, std::shared_ptr<const FftPlan>> plans;
    std::lock_guard<std::mutex> lock(mutex);
    auto &slot = plans[{n, real}];
    if (!slot) slot = real ? fft::build_real_plan(n) : fft::build_complex_plan(n);
    return slot;
}

std::shared_ptr<const FftPlan> cached(std::size_t n, bool real) {
    if (n == 0) throw std::invalid_argument("FFT size must be at least 1");
    constexpr std::size_t kRecent = 8;
    thread_local std::shared_ptr<const FftPlan> recent[kRecent];
    thread_local std::size_t next = 0;
    for (const auto &plan : recent)
        if (plan && plan->size() == n && plan->is_real() == real) return plan;
    std::shared_ptr<const FftPlan> plan = shared(n, real);
    recent[next] = plan;
    next = (next + 1) % kRecent;
    return plan;
}

} // namespace

std::shared_ptr<const FftPlan> FftPlan::complex(std::size_t n) { return cached(n, false); }
std::shared_ptr<const FftPlan> FftPlan::real(std::size_t n) { return cached(n, true); }

} // namespace amp::dsp
