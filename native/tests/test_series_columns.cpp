// test_series_columns.cpp: amp_analysis_column_stats and amp_analysis_running_sum against sums
// written out by hand, column edges, non-finite values and argument checks.
#include <cmath>
#include <limits>
#include <vector>

#include "test_support.h"

TEST(column_stats_sum_mean_max_per_column) {
    // Two lanes of 7 frames, span [1, 7) in 4 columns: edges 1, 2, 4, 5, 7.
    const std::vector<double> data = {9, 1, 2, 3, 4, 5, 6, /* lane 1 */ 0, -1, -2, 8, -4, -5, -6};
    std::vector<double> sum(8), mean(8), max(8);
    CHECK_EQ(
        amp_analysis_column_stats(data.data(), 2, 7, 1, 7, 4, sum.data(), mean.data(), max.data()),
        AMP_OK);
    const double want_sum[8] = {1, 5, 4, 11, -1, 6, -4, -11};
    const double want_mean[8] = {1, 2.5, 4, 5.5, -1, 3, -4, -5.5};
    const double want_max[8] = {1, 3, 4, 6, -1, 8, -4, -5};
    for (int i = 0; i < 8; ++i) {
        CHECK_EQ(sum[static_cast<size_t>(i)], want_sum[i]);
        CHECK_EQ(mean[static_cast<size_t>(i)], want_mean[i]);
        CHECK_EQ(max[static_cast<size_t>(i)], want_max[i]);
    }
}

TEST(column_stats_non_finite_counts_as_zero) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> data = {nan, -2, inf, 3};
    std::vector<double> sum(1), mean(1), max(1);
    CHECK_EQ(
        amp_analysis_column_stats(data.data(), 1, 4, 0, 4, 1, sum.data(), mean.data(), max.data()),
        AMP_OK);
    CHECK_EQ(sum[0], 1.0);
    CHECK_EQ(mean[0], 0.25);
    CHECK_EQ(max[0], 3.0);
}

TEST(column_stats_refuses_bad_spans) {
    const std::vector<double> data(10, 1.0);
    std::vector<double> out(20);
    double *o = out.data();
    CHECK_EQ(amp_analysis_column_stats(data.data(), 1, 10, 0, 11, 2, o, o, o),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_analysis_column_stats(data.data(), 1, 10, 5, 5, 1, o, o, o),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_analysis_column_stats(data.data(), 1, 10, 0, 10, 0, o, o, o),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_analysis_column_stats(data.data(), 1, 10, 0, 10, 11, o, o, o),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_analysis_column_stats(nullptr, 1, 10, 0, 10, 2, o, o, o),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_analysis_column_stats(data.data(), 1, 10, 0, 10, 10, o, o, o), AMP_OK);
}

TEST(running_sum_per_lane) {
    std::vector<double> data = {1, 2, 3, std::numeric_limits<double>::quiet_NaN(), 10, 20, 30, 40};
    std::vector<double> out(8);
    CHECK_EQ(amp_analysis_running_sum(data.data(), 2, 4, out.data()), AMP_OK);
    const double want[8] = {1, 3, 6, 6, 10, 30, 60, 100};
    for (int i = 0; i < 8; ++i) CHECK_EQ(out[static_cast<size_t>(i)], want[i]);
    // In place.
    CHECK_EQ(amp_analysis_running_sum(data.data(), 2, 4, data.data()), AMP_OK);
    for (int i = 0; i < 8; ++i) CHECK_EQ(data[static_cast<size_t>(i)], want[i]);
    CHECK_EQ(amp_analysis_running_sum(nullptr, 1, 4, out.data()), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_analysis_running_sum(nullptr, 0, 0, nullptr), AMP_OK);
}

AMP_TEST_MAIN()
