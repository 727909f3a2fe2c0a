// c_api_fft.cpp: amp_fft_* (see amp_native.h) over the cached plans of dsp/fft/fft.h.
//
// Each thread keeps its last complex and real plan and a scratch buffer that only grows, so a
// repeated size takes no lock and allocates nothing; a new size looks the plan up in the
// process-wide cache (one lock) and may grow the scratch once.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "amp_native.h"
#include "dsp/fft/fft.h"

namespace {

struct FftError {
    int32_t code = AMP_OK;
    std::string detail;
};

FftError &last_error() {
    thread_local FftError error;
    return error;
}

int32_t fail(int32_t code, std::string detail) {
    FftError &error = last_error();
    error.code = code;
    error.detail = std::move(detail);
    return code;
}

struct ThreadPlans {
    std::shared_ptr<const amp::dsp::FftPlan> complex, real;
    std::vector<double> scratch;
};

ThreadPlans &thread_plans() {
    thread_local ThreadPlans plans;
    return plans;
}

// The index of the first non-finite value, or count when all are finite. x - x is 0 for finite x
// and NaN otherwise, so one pass of vector sums finds whether there is any (the build ignores FP
// traps); the index is searched only then.
std::size_t first_non_finite(const double *values, std::size_t count) {
    typedef double V4 __attribute__((vector_size(32)));
    V4 acc = {0.0, 0.0, 0.0, 0.0};
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        V4 v;
        std::memcpy(&v, values + i, sizeof v);
        acc += v - v;
    }
    double tail = 0.0;
    for (; i < count; ++i) tail += values[i] - values[i];
    if (acc[0] + acc[1] + acc[2] + acc[3] + tail == 0.0) return count;
    for (i = 0; i < count; ++i)
        if (!std::isfinite(values[i])) return i;
    return count;
}

std::string describe(double value) {
    if (std::isnan(value)) return "NaN";
    return value > 0 ? "Infinity" : "-Infinity";
}

enum class Kind { ComplexForward, ComplexInverse, RealForward, RealInverse };

const char *function_name(Kind kind) {
    switch (kind) {
    case Kind::ComplexForward: return "amp_fft_complex_forward";
    case Kind::ComplexInverse: return "amp_fft_complex_inverse";
    case Kind::RealForward: return "amp_fft_real_forward";
    case Kind::RealInverse: return "amp_fft_real_inverse";
    }
    return "amp_fft";
}

int32_t transform(Kind kind, uint32_t n, const double *in, double *out) {
    const char *name = function_name(kind);
    if (n < 1 || n > AMP_FFT_MAX_SIZE)
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    std::string(name) + ": size n must be an integer in [1, " +
                        std::to_string(AMP_FFT_MAX_SIZE) + "], got " + std::to_string(n));
    if (in == nullptr || out == nullptr)
        return fail(AMP_ERR_INVALID_ARGUMENT,
                    std::string(name) + ": " + (in == nullptr ? "in" : "out") + " is NULL");
    const bool real = kind == Kind::RealForward || kind == Kind::RealInverse;
    const bool inverse = kind == Kind::ComplexInverse || kind == Kind::RealInverse;
    const std::size_t in_count = !real ? 2 * std::size_t{n} : inverse ? 2 * (n / 2 + 1) : n;
    const std::size_t bad = first_non_finite(in, in_count);
    if (bad < in_count)
        return fail(AMP_ERR_INVALID_ARGUMENT, std::string(name) + ": in[" + std::to_string(bad) +
                                                  "] is " + describe(in[bad]) +
                                                  "; every input value must be finite");
    try {
        ThreadPlans &plans = thread_plans();
        std::shared_ptr<const amp::dsp::FftPlan> &plan = real ? plans.real : plans.complex;
        if (!plan || plan->size() != n)
            plan = real ? amp::dsp::FftPlan::real(n) : amp::dsp::FftPlan::complex(n);
        if (plans.scratch.size() < plan->scratch_doubles())
            plans.scratch.resize(plan->scratch_doubles());
        if (inverse)
            plan->inverse(in, out, plans.scratch.data());
        else
            plan->forward(in, out, plans.scratch.data());
    } catch (const std::bad_alloc &) {
        return fail(AMP_ERR_INTERNAL,
                    std::string(name) + ": out of memory planning size " + std::to_string(n));
    } catch (const std::exception &e) {
        return fail(AMP_ERR_INTERNAL, std::string(name) + ": " + e.what());
    } catch (...) {
        return fail(AMP_ERR_INTERNAL, std::string(name) + ": unexpected failure");
    }
    return AMP_OK;
}

} // namespace

extern "C" {

int32_t amp_fft_complex_forward(uint32_t n, const double *in, double *out) {
    return transform(Kind::ComplexForward, n, in, out);
}
int32_t amp_fft_complex_inverse(uint32_t n, const double *in, double *out) {
    return transform(Kind::ComplexInverse, n, in, out);
}
int32_t amp_fft_real_forward(uint32_t n, const double *in, double *out) {
    return transform(Kind::RealForward, n, in, out);
}
int32_t amp_fft_real_inverse(uint32_t n, const double *in, double *out) {
    return transform(Kind::RealInverse, n, in, out);
}

int32_t amp_fft_last_error(AmpErrorView *out_error) {
    const FftError &error = last_error();
    if (out_error != nullptr) {
        out_error->code = error.code;
        out_error->stage = error.code == AMP_OK ? "" : "fft";
        out_error->node = "";
        out_error->detail = error.detail.c_str();
    }
    return error.code;
}

} // extern "C"
