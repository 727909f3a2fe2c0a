// faust_driver: times Faust-generated C++ (class FaustDsp in faust_dsp.h, generated at bench time
// by bench/faust-peer.js) with the same harness as our runtime (block_timing.h): init(48000),
// then compute(block, inputs, outputs) per block into reused buffers, called through the dsp base
// class; instanceClear() resets.
// Compiled at bench time into a temporary folder, never part of the build or the package.
//
// Usage: faust_driver <signal> <block> <frames> <offset>   (signal sines:N, gain or chain; the
// gain program reads the exact one-sine signal on its input). Prints one JSON object.
#define FAUSTFLOAT double
#include <faust/dsp/dsp.h>
#include <faust/gui/UI.h>
#include <faust/gui/meta.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "block_timing.h"
#include "faust_dsp.h"

using namespace amp_bench;

int main(int argc, char **argv) {
    Signal signal;
    if (argc != 5 || !parse_signal(argv[1], signal)) {
        std::fprintf(stderr,
                     "usage: faust_driver <sines:N|gain|chain> <block> <frames> <offset>\n");
        return 1;
    }
    const uint32_t block = static_cast<uint32_t>(std::strtol(argv[2], nullptr, 10));
    const uint64_t frames = static_cast<uint64_t>(std::strtoll(argv[3], nullptr, 10));
    const uint32_t offset = static_cast<uint32_t>(std::strtol(argv[4], nullptr, 10));
    constexpr uint32_t kRate = 48000;
    // Called through the base class, as hosts do: a virtual call per compute(), so the
    // compiler cannot inline the program into the timing loop (our side: an opaque ABI call).
    FaustDsp program;
    dsp *volatile handle = &program;
    dsp &faust = *handle;
    faust.init(static_cast<int>(kRate));
    if (faust.getNumOutputs() != 1 || faust.getNumInputs() > 1) {
        std::fprintf(stderr,
                     "faust_driver: the program must have one output and at most one input\n");
        return 1;
    }
    const ExactSines input_signal(1, kRate, 1); // the gain program's input: our sine node's output
    std::vector<double> input(block);
    double *inputs[1] = {input.data()};
    uint64_t frame = 0;
    auto render = [&](uint32_t n, double *out) {
        if (faust.getNumInputs() == 1)
            for (uint32_t f = 0; f < n; ++f) input[f] = input_signal.at(frame + f);
        double *outputs[1] = {out};
        faust.compute(static_cast<int>(n), inputs, outputs);
        frame += n;
        return true;
    };
    auto reset = [&] {
        faust.instanceClear();
        frame = 0;
    };
    const StreamRun run = time_stream(frames, block, signal, kRate, offset, render, reset);
    print_run("faust compute", run, frames, block);
    return run.check.ok && run.repeat_identical ? 0 : 1;
}
