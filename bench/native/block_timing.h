// block_timing.h: the one timing harness every native system runs through (our C ABI and the
// Faust-generated code alike), so both sides of a comparison time the same scope.
//
// A run renders `frames` frames in blocks of `block` frames into one reused block buffer, twice:
//   pass 1 (warm-up, untimed): every block is also copied into a whole-signal buffer, which is
//          checked against the exact reference (bench_signals.h);
//   reset to frame 0;
//   pass 2 (timed): only the render calls and one store of each block's last sample; after the
//          clock stops, those samples must equal pass 1's bit for bit (a render that skips work
//          in the timed pass fails the run).
// Prints one JSON object on stdout.
#ifndef AMP_BENCH_BLOCK_TIMING_H
#define AMP_BENCH_BLOCK_TIMING_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "bench_signals.h"

namespace amp_bench {

struct StreamRun {
    double seconds = 0; // pass 2 wall time
    uint64_t calls = 0; // render calls in pass 2
    bool repeat_identical = false;
    CheckResult check;
    bool failed = false; // a render call returned an error
};

// render(n, out) renders the next n frames into out[0..n) and returns false on error;
// reset() returns the system to frame 0.
template <class Render, class Reset>
StreamRun time_stream(uint64_t frames, uint32_t block, const Signal &signal, uint32_t rate,
                      uint32_t offset, Render &&render, Reset &&reset) {
    StreamRun run;
    std::vector<double> buffer(block), whole(frames);
    const uint64_t blocks = (frames + block - 1) / block;
    std::vector<double> tails_warm(blocks), tails_timed(blocks);
    uint64_t k = 0;
    for (uint64_t done = 0; done < frames; done += block, ++k) {
        const uint32_t n = static_cast<uint32_t>(frames - done < block ? frames - done : block);
        if (!render(n, buffer.data())) {
            run.failed = true;
            return run;
        }
        std::memcpy(whole.data() + done, buffer.data(), n * sizeof(double));
        tails_warm[k] = buffer[n - 1];
    }
    run.check = check_signal(signal, whole.data(), frames, rate, offset);
    reset();
    k = 0;
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t done = 0; done < frames; done += block, ++k) {
        const uint32_t n = static_cast<uint32_t>(frames - done < block ? frames - done : block);
        if (!render(n, buffer.data())) {
            run.failed = true;
            return run;
        }
        tails_timed[k] = buffer[n - 1];
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.calls = blocks;
    run.repeat_identical =
        std::memcmp(tails_warm.data(), tails_timed.data(), blocks * sizeof(double)) == 0;
    return run;
}

inline void print_run(const char *system, const StreamRun &run, uint64_t frames, uint32_t block) {
    std::printf("{\"system\":\"%s\",\"seconds\":%.9e,\"frames\":%llu,\"block\":%u,\"calls\":%llu,",
                system, run.seconds, static_cast<unsigned long long>(frames), block,
                static_cast<unsigned long long>(run.calls));
    std::printf("\"failed\":%s,\"repeatIdentical\":%s,", run.failed ? "true" : "false",
                run.repeat_identical ? "true" : "false");
    print_check(run.check);
    std::printf("}\n");
}

} // namespace amp_bench

#endif
