// fuzz_target.h: what every fuzz target in native/fuzz provides. Each target is one file with
// LLVMFuzzerTestOneInput (libFuzzer's entry point); the same file builds two ways:
//   - fuzz_<target> (clang, -DAMP_FUZZ=ON): libFuzzer + ASan/UBSan, run by scripts/fuzz.sh in CI;
//   - fuzz_replay_<target> (any compiler, every build): replay_main.cpp runs every input of the
//     target's seed corpus (native/fuzz/corpus/<target>) once, registered with ctest, so every
//     crash ever found stays a regression test of the normal suite.
// A target aborts (FUZZ_CHECK) when an oracle fails: a status outside the table, a failure
// without a message, non-finite samples from finite input, a snapshot that does not restore.
// To add a target (e.g. presets once they exist): write fuzz_<name>.cpp with the entry point
// below, add seeds under corpus/<name>/, and add <name> to AMP_FUZZ_TARGETS in CMakeLists.txt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "amp_native.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);

// Inputs the target writes itself (e.g. one per registered node type and parameter value), run
// by the replay test next to the corpus and written as extra seeds by `--write-seeds DIR`.
std::vector<std::string> fuzz_generated_seeds();

#define FUZZ_CHECK(condition, ...)                                                                 \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "fuzz oracle failed at %s:%d: %s\n", __FILE__, __LINE__,          \
                         #condition);                                                              \
            std::fprintf(stderr, __VA_ARGS__);                                                     \
            std::fprintf(stderr, "\n");                                                            \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

namespace amp_fuzz {

// True for the status codes of the table in amp_native.h.
inline bool known_status(int32_t status) { return status <= AMP_OK && status >= AMP_ERR_INTERNAL; }

// Buffers of accepted inputs are small: a fuzz input may not make one runtime allocate more
// than this (the runtime refuses it with AMP_ERR_INVALID_ARGUMENT, naming the size).
constexpr uint64_t kFuzzMemoryBudget = 256ull << 20;

} // namespace amp_fuzz
