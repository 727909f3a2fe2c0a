// test_parametric_driver.cpp: the parametric driver against a reference computed here in long
// double, its enum `mode` and list `harmonics` parameters through the C ABI (accepted values,
// refusals naming the allowed names, lengths, ranges and items), block invariance, B = 2 with a
// different frequency per batch, heat, and the catalogue entries of both parameter kinds.
#include <cmath>
#include <string>

#include "node_harness.h"

using amp_test::block_invariant;
using amp_test::expect_bad_params;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

constexpr double kRate = 48000.0;

// sum_h c_h sin(2 pi (h + 1) (phi_f + offset)), phi_f = frac((f + 1) * freq / rate).
long double reference(const std::vector<double> &c, double freq, double offset, uint32_t f) {
    const long double pi = 3.141592653589793238462643383279502884L;
    long double phi = static_cast<long double>(f + 1) * freq / kRate + offset;
    phi -= std::floor(phi);
    long double sum = 0.0L;
    for (size_t h = 0; h < c.size(); ++h)
        sum += c[h] * std::sin(2.0L * pi * static_cast<long double>(h + 1) * phi);
    return sum;
}

void check_against_reference(const std::string &params, const std::vector<double> &c, double freq,
                             double offset) {
    const auto run = run_node("parametric_driver", params, {}, {}, 1, 2000);
    CHECK_EQ(run.status, AMP_OK);
    double worst = 0.0;
    for (uint32_t f = 0; f < 2000 && run.status == AMP_OK; ++f)
        worst = std::fmax(
            worst, std::fabs(run.out.data[f] - static_cast<double>(reference(c, freq, offset, f))));
    CHECK(worst < 1e-12);
}

} // namespace

TEST(modes_and_harmonic_lists_give_the_documented_sums) {
    check_against_reference("{\"frequency\":441}", {1.0}, 441, 0);
    check_against_reference("{\"mode\":\"quartz\",\"frequency\":1000,\"phase_offset\":0.25}", {1.0},
                            1000, 0.25);
    check_against_reference("{\"mode\":\"piezo\",\"frequency\":220}", {1.0, 0.35, 0.12}, 220, 0);
    check_against_reference(
        "{\"mode\":\"custom\",\"harmonics\":[0.5,0,-0.25,0.125],\"frequency\":97.5}",
        {0.5, 0.0, -0.25, 0.125}, 97.5, 0);
}

TEST(block_invariant_with_per_batch_frequencies) {
    const Tensor freq{2, 1, 1, {220.0, 331.0}};
    const std::string params = "{\"mode\":\"piezo\",\"channels\":2}";
    CHECK(block_invariant("parametric_driver", params, {}, {{"frequency", freq}}, 2, 777));
    const auto run = run_node("parametric_driver", params, {}, {{"frequency", freq}}, 2, 300);
    CHECK_EQ(run.out.channels, 2u);
    CHECK_NEAR(run.out.at(1, 1, 99), static_cast<double>(reference({1, 0.35, 0.12}, 331, 0, 99)),
               1e-12);
    CHECK_NEAR(run.out.at(0, 0, 99), static_cast<double>(reference({1, 0.35, 0.12}, 220, 0, 99)),
               1e-12);
    // Heat: a source -> its output: sum over channels of y^2 + W (8) per batch and frame.
    double expected = 2 * 300 * 8.0;
    for (double y : run.out.data) expected += y * y;
    CHECK_NEAR(run.heat, expected, 1e-9);
}

TEST(enum_parameters_refuse_other_names_listing_the_allowed_ones) {
    expect_bad_params("parametric_driver", "{\"mode\":\"quarz\"}",
                      {"victim", "(parametric_driver)", "parameter \"mode\"",
                       "expects one of \"quartz\", \"piezo\", \"custom\"", "got \"quarz\""},
                      __LINE__);
    expect_bad_params("parametric_driver", "{\"mode\":1}",
                      {"parameter \"mode\"", "one of \"quartz\"", "got 1"}, __LINE__);
}

TEST(list_parameters_check_type_length_items_and_mode) {
    const char *custom = "{\"mode\":\"custom\",\"harmonics\":";
    expect_bad_params("parametric_driver", std::string(custom) + "[]}",
                      {"parameter \"harmonics\"", "an array of 1 to 64 items",
                       "each a finite number in [-1000000, 1000000]", "got an array of 0"},
                      __LINE__);
    expect_bad_params("parametric_driver", std::string(custom) + "0.5}",
                      {"parameter \"harmonics\"", "an array of 1 to 64 items", "got 0.5"},
                      __LINE__);
    expect_bad_params(
        "parametric_driver", std::string(custom) + "[1, \"x\"]}",
        {"parameter \"harmonics[1]\"", "a finite number in [-1000000, 1000000]", "got \"x\""},
        __LINE__);
    expect_bad_params("parametric_driver", std::string(custom) + "[1, 2e6]}",
                      {"parameter \"harmonics[1]\"", "got 2000000"}, __LINE__);
    std::string long_list = "[1";
    for (int i = 0; i < 64; ++i) long_list += ",0";
    expect_bad_params("parametric_driver", std::string(custom) + long_list + "]}",
                      {"parameter \"harmonics\"", "1 to 64 items", "got an array of 65"}, __LINE__);
    // A list the mode would ignore is refused, not accepted and ignored.
    expect_bad_params(
        "parametric_driver", "{\"mode\":\"piezo\",\"harmonics\":[1]}",
        {"victim", "\"harmonics\" applies with mode \"custom\" only", "mode \"piezo\""}, __LINE__);
}

TEST(single_node_calls_refuse_bad_enum_and_list_values_too) {
    AmpNodeDescriptorView descriptor{"drv", "parametric_driver", "{\"mode\":\"laser\"}"};
    AmpNodeInputs inputs{nullptr, 0, nullptr, 0};
    double *buffer = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    CHECK_EQ(
        amp_run_node(&descriptor, &inputs, 1, 0, 8, kRate, &buffer, &channels, &state, nullptr),
        AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail),
                   "node \"drv\" (parametric_driver): parameter \"mode\" expects one of "
                   "\"quartz\", \"piezo\", \"custom\", got \"laser\"");
    CHECK(state == nullptr);
}

TEST(the_catalogue_exports_choices_and_list_rules) {
    const std::string catalog = amp_node_catalog_json();
    CHECK_CONTAINS(catalog, "\"name\":\"mode\",\"kind\":\"enum\",\"default\":\"quartz\"");
    CHECK_CONTAINS(catalog, "\"choices\":[\"quartz\",\"piezo\",\"custom\"]");
    CHECK_CONTAINS(catalog, "\"name\":\"harmonics\",\"kind\":\"list\",\"default\":[1]");
    CHECK_CONTAINS(catalog, "\"minLength\":1,\"maxLength\":64,\"increasing\":false");
}

AMP_TEST_MAIN()
