// level_workers.cpp: see level_workers.h.
#include "runtime/level_workers.h"

#include <algorithm>

namespace amp {

namespace {

// Waits politely: pause instructions first, then yields the core, so that a participant whose
// thread was descheduled (more threads than free cores) gets to run.
class Backoff {
  public:
    void wait() {
        if (spins_ < kSpinLimit) {
            ++spins_;
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
            return;
        }
        std::this_thread::yield();
    }

  private:
    static constexpr uint32_t kSpinLimit = 4096;
    uint32_t spins_ = 0;
};

uint32_t usable_participants(uint32_t requested) {
    const uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
    return std::max(1u, std::min(requested, cores));
}

} // namespace

LevelWorkers::LevelWorkers(uint32_t participants)
    : participants_(usable_participants(participants)) {
    for (uint32_t p = 1; p < participants_; ++p)
        helpers_.emplace_back([this, p] { helper_loop(p); });
}

LevelWorkers::~LevelWorkers() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        active_ = false;
        spinning_.store(false, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread &helper : helpers_) helper.join();
}

void LevelWorkers::begin() {
    if (helpers_.empty()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        active_ = true;
        start_epoch_ = epoch_.load(std::memory_order_relaxed);
        spinning_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
}

void LevelWorkers::end() {
    if (helpers_.empty()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    active_ = false;
    spinning_.store(false, std::memory_order_release);
}

void LevelWorkers::run(Job job, void *context) {
    if (helpers_.empty()) {
        job(context, 0);
        return;
    }
    job_ = job;
    context_ = context;
    remaining_.store(participants_ - 1, std::memory_order_relaxed);
    epoch_.fetch_add(1, std::memory_order_release); // publishes job_ and context_
    job(context, 0);
    Backoff backoff;
    while (remaining_.load(std::memory_order_acquire) != 0) backoff.wait();
}

void LevelWorkers::helper_loop(uint32_t participant) {
    for (;;) {
        uint64_t seen = 0;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return active_ || stop_; });
            if (stop_) return;
            seen = start_epoch_;
        }
        Backoff backoff;
        while (spinning_.load(std::memory_order_acquire)) {
            const uint64_t epoch = epoch_.load(std::memory_order_acquire);
            if (epoch == seen) {
                backoff.wait();
                continue;
            }
            backoff = Backoff();
            seen = epoch;
            job_(context_, participant);
            remaining_.fetch_sub(1, std::memory_order_acq_rel);
        }
    }
}

} // namespace amp
