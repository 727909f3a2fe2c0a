// amp_bench_check: checks a render saved by the bench scripts (raw little-endian float64, one
// lane) against the exact signal (bench_signals.h), for the systems timed from JavaScript
// (our render() and Web Audio). Not part of the runtime or the addon; never run by ctest.
//
// Usage: amp_bench_check <file> <signal> <offset>   (signal sines:N, gain or chain; offset: the
// system's phase convention, see bench_signals.h). Prints one JSON object.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_signals.h"

int main(int argc, char **argv) {
    amp_bench::Signal signal;
    if (argc != 4 || !amp_bench::parse_signal(argv[2], signal)) {
        std::fprintf(stderr, "usage: amp_bench_check <file> <sines:N|gain|chain> <offset>\n");
        return 1;
    }
    std::FILE *file = std::fopen(argv[1], "rb");
    if (!file) {
        std::fprintf(stderr, "amp_bench_check: cannot open %s\n", argv[1]);
        return 1;
    }
    std::vector<double> samples;
    double chunk[4096];
    size_t got;
    while ((got = std::fread(chunk, sizeof(double), 4096, file)) > 0)
        samples.insert(samples.end(), chunk, chunk + got);
    std::fclose(file);
    const long offset = std::strtol(argv[3], nullptr, 10);
    const amp_bench::CheckResult r = amp_bench::check_signal(signal, samples.data(), samples.size(),
                                                             48000, static_cast<uint32_t>(offset));
    std::printf("{\"frames\":%zu,", samples.size());
    amp_bench::print_check(r);
    std::printf("}\n");
    return r.ok ? 0 : 1;
}
