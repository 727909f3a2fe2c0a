// level_workers.h: helper threads for running the independent steps of one level in parallel.
//
// The calling (render) thread is participant 0; helpers are 1 .. count-1, count being at most
// the machine's hardware threads. run(job) makes every participant call job(context, index) once
// and returns when all have finished: one barrier per level, no allocation, no lock on the render
// path. Waiting spins briefly, then yields the core. Helpers wait only between begin() and end()
// (one render) and sleep on a condition variable otherwise.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace amp {

class LevelWorkers {
  public:
    using Job = void (*)(void *context, uint32_t participant);

    explicit LevelWorkers(uint32_t participants);
    ~LevelWorkers();
    LevelWorkers(const LevelWorkers &) = delete;
    LevelWorkers &operator=(const LevelWorkers &) = delete;

    uint32_t participants() const { return participants_; }
    void begin(); // a render starts: helpers wake and spin
    void end();   // the render is over: helpers sleep
    void run(Job job, void *context);

  private:
    void helper_loop(uint32_t participant);

    uint32_t participants_;
    std::vector<std::thread> helpers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool active_ = false; // guarded by mutex_ for sleeping; mirrored in spinning_
    bool stop_ = false;
    uint64_t start_epoch_ = 0;
    std::atomic<bool> spinning_{false};
    std::atomic<uint64_t> epoch_{0};
    std::atomic<uint32_t> remaining_{0};
    Job job_ = nullptr;
    void *context_ = nullptr;
};

} // namespace amp
