// fft_bench.cpp: our FFT plans against FFTW (double, FFTW_MEASURE) with the same scope: a native
// loop over an already built plan, fixed buffers, nothing else in the loop. Rounds alternate
// which library runs first; each round times both on the same input, and the per-round ratio
// ours / FFTW is reported as median and min-max, with the median time per transform of each.
// The outputs are compared in the same run (largest difference relative to the largest |X|).
// Times are CPU time of the benchmarking thread (CLOCK_THREAD_CPUTIME_ID).
//
// Usage: fft_bench [--json] [--rounds R] [sizes...]   (default sizes 256 1024 4096 65536 48000)
// FFTW is GPL: this program is a benchmark peer only, never part of the library or the addon.
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "dsp/fft/fft.h"

namespace {

// CPU time of the calling thread: the machine this runs on is shared, and wall time would count
// other processes' time slices against whichever library happened to be running.
double thread_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

// Seconds per call of f, averaged over reps calls.
template <class F>
double time_per_call(F &&f, int reps) {
    const double start = thread_seconds();
    for (int i = 0; i < reps; ++i) f();
    return (thread_seconds() - start) / reps;
}

struct Result {
    std::size_t n;
    bool real;
    double ours_us, fftw_us, ratio_median, ratio_min, ratio_max, max_error;
    int rounds, reps;
};

Result measure(std::size_t n, bool real, int rounds) {
    std::mt19937_64 engine(n);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    const std::size_t in_count = real ? n : 2 * n, out_count = real ? 2 * (n / 2 + 1) : 2 * n;
    double *fin = fftw_alloc_real(in_count), *fout = fftw_alloc_real(out_count);
    fftw_plan fplan =
        real ? fftw_plan_dft_r2c_1d(static_cast<int>(n), fin,
                                    reinterpret_cast<fftw_complex *>(fout), FFTW_MEASURE)
             : fftw_plan_dft_1d(static_cast<int>(n), reinterpret_cast<fftw_complex *>(fin),
                                reinterpret_cast<fftw_complex *>(fout), FFTW_FORWARD, FFTW_MEASURE);
    // FFTW_MEASURE overwrites the arrays while planning: fill them afterwards.
    std::vector<double> in(in_count), out(out_count);
    for (double &v : in) v = uniform(engine);
    std::memcpy(fin, in.data(), in_count * sizeof(double));
    const auto plan = real ? amp::dsp::FftPlan::real(n) : amp::dsp::FftPlan::complex(n);
    std::vector<double> scratch(plan->scratch_doubles());

    auto ours = [&] { plan->forward(in.data(), out.data(), scratch.data()); };
    auto theirs = [&] { fftw_execute(fplan); };
    ours();
    theirs();
    double max_error = 0.0, max_value = 0.0;
    for (std::size_t i = 0; i < out_count; ++i) {
        max_error = std::max(max_error, std::fabs(out[i] - fout[i]));
        max_value = std::max(max_value, std::fabs(fout[i]));
    }
    // About 2 ms of FFTW work per round.
    const double probe = time_per_call(theirs, 20);
    const int reps = std::max(1, static_cast<int>(2e-3 / std::max(probe, 1e-9)));
    std::vector<double> ours_t, fftw_t, ratios;
    for (int round = 0; round < rounds; ++round) {
        double a, b;
        if (round % 2 == 0) {
            a = time_per_call(ours, reps);
            b = time_per_call(theirs, reps);
        } else {
            b = time_per_call(theirs, reps);
            a = time_per_call(ours, reps);
        }
        ours_t.push_back(a);
        fftw_t.push_back(b);
        ratios.push_back(a / b);
    }
    fftw_destroy_plan(fplan);
    fftw_free(fin);
    fftw_free(fout);
    return {n,
            real,
            median(ours_t) * 1e6,
            median(fftw_t) * 1e6,
            median(ratios),
            *std::min_element(ratios.begin(), ratios.end()),
            *std::max_element(ratios.begin(), ratios.end()),
            max_value > 0 ? max_error / max_value : max_error,
            rounds,
            reps};
}

} // namespace

int main(int argc, char **argv) {
    bool json = false;
    int rounds = 15;
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json")
            json = true;
        else if (arg == "--rounds" && i + 1 < argc)
            rounds = std::max(1, std::atoi(argv[++i]));
        else
            sizes.push_back(static_cast<std::size_t>(std::strtoull(arg.c_str(), nullptr, 10)));
    }
    if (sizes.empty()) sizes = {256, 1024, 4096, 65536, 48000};
    if (!json)
        std::printf("%-8s %-7s %12s %12s %22s %10s\n", "n", "kind", "ours (us)", "FFTW (us)",
                    "ours/FFTW med [min-max]", "max err");
    bool first = true;
    if (json) std::printf("[");
    for (bool real : {true, false})
        for (std::size_t n : sizes) {
            const Result r = measure(n, real, rounds);
            if (json) {
                std::printf("%s{\"n\":%zu,\"kind\":\"%s\",\"oursUs\":%.6g,\"fftwUs\":%.6g,"
                            "\"ratioMedian\":%.4g,\"ratioMin\":%.4g,\"ratioMax\":%.4g,"
                            "\"maxError\":%.3g,\"rounds\":%d,\"reps\":%d}",
                            first ? "" : ",", r.n, real ? "real" : "complex", r.ours_us, r.fftw_us,
                            r.ratio_median, r.ratio_min, r.ratio_max, r.max_error, r.rounds,
                            r.reps);
                first = false;
            } else {
                std::printf("%-8zu %-7s %12.3f %12.3f %8.2f [%.2f-%.2f] %10.1e\n", r.n,
                            real ? "real" : "complex", r.ours_us, r.fftw_us, r.ratio_median,
                            r.ratio_min, r.ratio_max, r.max_error);
            }
            std::fflush(stdout);
        }
    if (json) std::printf("]\n");
    return 0;
}
