// test_controller.cpp: the controller with several named curves (`curves`): one named output per
// curve (channel groups in order) against the curves sampled here, routed by "ctl.<curve>" edges
// and modulation edges, per-output-channel scale / offset tensors, every curve required before a
// render, constant scale / offset (the vectorised loop) against the same values per frame, bit for
// bit, and refusals (curve and curves together or neither, duplicate or dotted names, unknown
// outputs listing the instance's names).
#include <cmath>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::Curve;
using amp_test::expect_bad_params;
using amp_test::render;
using amp_test::run_node;
using amp_test::Tensor;

namespace {

// Linear interpolation held at both ends, written here for the test.
double linear(const Curve &c, double t) {
    if (t <= c.times.front()) return c.values.front();
    for (size_t i = 1; i < c.times.size(); ++i)
        if (t < c.times[i])
            return c.values[i - 1] + (c.values[i] - c.values[i - 1]) * (t - c.times[i - 1]) /
                                         (c.times[i] - c.times[i - 1]);
    return c.values.back();
}

const std::vector<Curve> kCurves = {
    {"cutoff", {0.0, 40.0, 100.0}, {200.0, 1200.0, 800.0}, AMP_INTERPOLATION_LINEAR},
    {"res", {10.0, 90.0}, {0.1, 0.9}, AMP_INTERPOLATION_LINEAR},
};

// kCurves as the C ABI's curve views (pointing into kCurves).
std::vector<AmpHistoryCurve> curve_views() {
    std::vector<AmpHistoryCurve> views;
    for (const Curve &c : kCurves)
        views.push_back({c.name.c_str(), c.times.data(), c.values.data(),
                         static_cast<uint32_t>(c.times.size()), c.interpolation});
    return views;
}

} // namespace

TEST(each_curve_has_its_named_output_in_order) {
    const std::string json = R"({"nodes":[{"name":"ctl","type":"controller",
        "params":{"curves":["cutoff","res"],"channels":2}}],"output":"ctl"})";
    const auto run = render(json, 1, 16, 120, {}, kCurves);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.channels, 4u);
    for (uint32_t c = 0; c < 4 && run.status == AMP_OK; ++c)
        for (uint32_t f = 0; f < 120; ++f)
            CHECK_NEAR(run.samples[c * 120 + f], linear(kCurves[c / 2], f), 1e-12);
    // "ctl.res" into a gain.
    const std::string routed = R"({"nodes":[
        {"name":"ctl","type":"controller","params":{"curves":["cutoff","res"]}},
        {"name":"a","type":"gain"}],"edges":[{"from":"ctl.res","to":"a"}],"output":"a"})";
    const auto res = render(routed, 1, 32, 120, {}, kCurves);
    CHECK_EQ(res.status, AMP_OK);
    for (uint32_t f = 0; f < 120 && res.status == AMP_OK; f += 7)
        CHECK_NEAR(res.samples[f], linear(kCurves[1], f), 1e-12);
}

TEST(modulation_edges_and_plain_edges_read_the_right_curve) {
    const std::string json = R"({"nodes":[
        {"name":"ctl","type":"controller","params":{"curves":["cutoff","res"]}},
        {"name":"one","type":"constant","params":{"value":1}},
        {"name":"b","type":"gain","params":{"gain":0}}],
        "edges":[{"from":"one","to":"b"}],
        "modulations":[{"from":"ctl.res","to":"b","param":"gain"}],"output":"b"})";
    const auto run = render(json, 1, 8, 100, {}, kCurves);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t f = 0; f < 100 && run.status == AMP_OK; ++f)
        CHECK_NEAR(run.samples[f], linear(kCurves[1], f), 1e-12);
}

TEST(per_channel_scale_and_offset_tensors_route_to_each_output) {
    const std::vector<AmpHistoryCurve> views = curve_views();
    const AmpControlHistory history{views.data(), 2, 0};
    const Tensor scale{1, 2, 1, {2.0, 0.0}};
    const Tensor offset{1, 2, 1, {1.0, -3.5}};
    const auto run =
        run_node("controller", R"({"curves":["cutoff","res"]})", {},
                 {{"scale", scale}, {"offset", offset}}, 1, 50, {7, 1}, 48000.0, &history);
    CHECK_EQ(run.status, AMP_OK);
    for (uint32_t f = 0; f < 50 && run.status == AMP_OK; ++f) {
        CHECK_NEAR(run.out.at(0, 0, f), 2.0 * linear(kCurves[0], f) + 1.0, 1e-9);
        CHECK_EQ(run.out.at(0, 1, f), -3.5); // scale 0: the offset tensor itself
    }
}

TEST(every_curve_is_required_and_bad_names_are_refused) {
    const std::string json = R"({"nodes":[{"name":"ctl","type":"controller",
        "params":{"curves":["cutoff","res"]}}],"output":"ctl"})";
    const auto missing = render(json, 1, 8, 8, {}, {kCurves[0]});
    CHECK_EQ(missing.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(missing.error, "node \"ctl\" (controller): no control-history curve named "
                                  "\"res\" in this call; supplied: \"cutoff\"");
    const auto unknown = render(R"({"nodes":[{"name":"ctl","type":"controller",
        "params":{"curves":["cutoff","res"]}},{"name":"g","type":"gain"}],
        "edges":[{"from":"ctl.q","to":"g"}],"output":"g"})",
                                1, 8, 8, {}, kCurves);
    CHECK_CONTAINS(unknown.error,
                   "node \"ctl\" (controller) has no output \"q\"; outputs: \"cutoff\", \"res\"");
    // A single curve keeps its one unnamed output.
    const auto single = render(R"({"nodes":[{"name":"ctl","type":"controller",
        "params":{"curve":"cutoff"}},{"name":"g","type":"gain"}],
        "edges":[{"from":"ctl.cutoff","to":"g"}],"output":"g"})",
                               1, 8, 8, {}, kCurves);
    CHECK_CONTAINS(single.error, "it has one unnamed output");
    expect_bad_params("controller", R"({"curve":"a","curves":["b"]})",
                      {"(controller)", "parameter \"curve\" excludes \"curves\""}, __LINE__);
    expect_bad_params("controller", "{}",
                      {"parameter \"curve\" is required (a non-empty string) unless \"curves\""},
                      __LINE__);
    expect_bad_params("controller", R"({"curves":["a","a"]})",
                      {"parameter \"curves[1]\"", "not listed before"}, __LINE__);
    expect_bad_params("controller", R"({"curves":["a.b"]})",
                      {"parameter \"curves[0]\"", "without \".\""}, __LINE__);
    expect_bad_params("controller", R"({"curves":[]})", {"parameter \"curves\""}, __LINE__);
}

AMP_TEST_MAIN()

TEST(constant_scale_and_offset_give_the_bits_of_per_frame_tensors) {
    const std::vector<AmpHistoryCurve> views = curve_views();
    const AmpControlHistory history{views.data(), 2, 0};
    const uint32_t frames = 301;
    // params_json constants: one value for every frame (the node's constant loop).
    const auto constant =
        run_node("controller", R"({"curves":["cutoff","res"],"scale":1.7,"offset":-0.3})", {}, {},
                 1, frames, {64, 13}, 48000.0, &history);
    // The same values as tensors with one value per frame (the general loop).
    const Tensor scale{1, 1, frames, std::vector<double>(frames, 1.7)};
    const Tensor offset{1, 1, frames, std::vector<double>(frames, -0.3)};
    const auto per_frame =
        run_node("controller", R"({"curves":["cutoff","res"]})", {},
                 {{"scale", scale}, {"offset", offset}}, 1, frames, {64, 13}, 48000.0, &history);
    CHECK_EQ(constant.status, AMP_OK);
    CHECK_EQ(per_frame.status, AMP_OK);
    CHECK(constant.out.data == per_frame.out.data);
    for (uint32_t f = 0; f < frames && constant.status == AMP_OK; f += 10)
        CHECK_NEAR(constant.out.at(0, 1, f), 1.7 * linear(kCurves[1], f) - 0.3, 1e-12);
}
