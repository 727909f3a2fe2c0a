// test_malformed_input.cpp: mutated and truncated graph descriptions and params never crash the
// runtime: every create returns a status, failures carry a message, successes render. Runs
// under ASan/UBSan in `npm run test:sanitize` too.
#include <cstdint>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

const char *kSeeds[] = {
    R"({"nodes":[{"name":"osc","type":"sine_osc","params":{"frequency":440,"channels":2}},{"name":"g","type":"gain","params":{"gain":0.5}}],"edges":[{"from":"osc","to":"g"}],"output":"g"})",
    R"({"nodes":[{"name":"x","type":"controller","params":{"curve":"c"}},{"name":"m","type":"mix","params":{"normalize":true}},{"name":"d","type":"delay","params":{"frames":3}}],"edges":[{"from":"x","to":"m"},{"from":"m","to":"d"},{"from":"d","to":"m","delay_frames":2}],"modulations":[],"output":"m","latency_compensation":false})",
    R"({"nodes":[{"name":"a","type":"sine_osc"},{"name":"b","type":"constant","params":{"value":1e3,"thermo":{"resistance":2}}},{"name":"s","type":"safety"}],"edges":[{"from":"b","to":"s"}],"modulations":[{"from":"a","to":"s","param":"limit","mode":"multiply","scale":2,"channel":0}],"output":"s","schedule":[["a","b"],["s"]],"thermal_budget":1e6})",
};

const char kAlphabet[] = "{}[]\",:0123456789.eE+-truefalsnul \\abcdxyz";

struct Random {
    uint64_t state;
    uint64_t next() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    }
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

std::string mutate(const std::string &seed, Random &random) {
    std::string text = seed;
    const size_t edits = 1 + random.below(2);
    for (size_t e = 0; e < edits && !text.empty(); ++e) {
        const size_t at = random.below(text.size());
        switch (random.below(8)) {
        case 0: text.resize(at); break;
        case 1:
        case 2: text.erase(at, 1 + random.below(3)); break;
        case 3:
        case 4: text.insert(at, 1, kAlphabet[random.below(sizeof(kAlphabet) - 1)]); break;
        default: text[at] = kAlphabet[random.below(sizeof(kAlphabet) - 1)]; break;
        }
    }
    return text;
}

} // namespace

TEST(mutated_graph_descriptions_fail_cleanly_or_render) {
    Random random{12345};
    int accepted = 0, rejected = 0;
    std::vector<double> out(2 * 2 * 64);
    const double times[1] = {0.0};
    const double values[1] = {0.5};
    AmpHistoryCurve curve{"c", times, values, 1, AMP_INTERPOLATION_STEP};
    AmpControlHistory history{&curve, 1, 0};
    AmpRenderOptions options{};
    options.history = &history;
    for (int i = 0; i < 10000; ++i) {
        const std::string text = mutate(kSeeds[random.below(3)], random);
        AmpGraphRuntime *rt = nullptr;
        const int32_t status = amp_graph_runtime_create(text.c_str(), &rt);
        CHECK(rt != nullptr);
        if (status == AMP_OK) {
            ++accepted;
            AmpGraphSummary summary{};
            amp_graph_runtime_describe_graph(rt, &summary);
            std::vector<double> samples(static_cast<size_t>(summary.batches) *
                                        summary.output_channels * 64);
            const int32_t rendered =
                amp_graph_runtime_execute(rt, 64, samples.data(), samples.size(), &options);
            CHECK(rendered == AMP_OK || rendered == AMP_ERR_INVALID_ARGUMENT);
        } else {
            ++rejected;
            AmpErrorView error{};
            CHECK_EQ(amp_graph_runtime_last_error(rt, &error), status);
            CHECK(error.detail != nullptr && error.detail[0] != '\0');
            CHECK(amp_graph_runtime_configure(rt, 1, 64) == AMP_ERR_INVALID_ARGUMENT);
        }
        amp_graph_runtime_destroy(rt);
    }
    std::printf("  accepted %d, rejected %d\n", accepted, rejected);
    CHECK(accepted > 50);
    CHECK(rejected > 5000);
}

TEST(mutated_params_json_fails_cleanly_in_run_node) {
    Random random{777};
    const std::string seed =
        R"({"frequency":440,"amplitude":0.25,"phase":0.5,"channels":2,"thermo":{"work":3},"modulation":{"mode":"add"}})";
    for (int i = 0; i < 3000; ++i) {
        const std::string params = mutate(seed, random);
        AmpNodeDescriptorView descriptor{"osc", "sine_osc", params.c_str()};
        double *out = nullptr;
        int32_t out_channels = 0;
        void *state = nullptr;
        const int32_t status = amp_run_node(&descriptor, nullptr, 1, 0, 16, 48000, &out,
                                            &out_channels, &state, nullptr);
        if (status == AMP_OK) {
            CHECK(out != nullptr && out_channels >= 1);
            amp_free(out);
            amp_release_state(state);
        } else {
            CHECK(out == nullptr && state == nullptr);
            AmpErrorView error{};
            amp_run_node_last_error(&error);
            CHECK(error.detail[0] != '\0');
        }
    }
}

TEST(deeply_nested_json_is_refused_without_overflowing_the_stack) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(deep.c_str(), &rt), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "nesting deeper than 64 levels");
    amp_graph_runtime_destroy(rt);
}

TEST(nul_characters_in_strings_are_refused) {
    // A C string would be cut at the NUL: "a\u0000b" would silently become "a".
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(amp_graph_runtime_create(
                 R"({"nodes":[{"name":"g\u0000x","type":"constant"}],"output":"g"})", &rt),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "strings must not contain the NUL character");
    amp_graph_runtime_destroy(rt);
}

TEST(a_heat_channel_may_not_shadow_a_parameter) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(
        amp_graph_runtime_create(
            R"({"nodes":[{"name":"c","type":"constant","params":{"thermo":{"heat_param":"value"}}}],"output":"c"})",
            &rt),
        AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "parameter \"thermo.heat_param\" expects a name that "
                                             "is not one of the node's parameters, got \"value\"");
    amp_graph_runtime_destroy(rt);
}

// Found by fuzz_graph_description: a mix fed only by a delay loop that no source feeds had 0
// channels, and gathering its input divided by them.
TEST(a_loop_no_source_feeds_is_refused_naming_its_node) {
    AmpGraphRuntime *rt = nullptr;
    CHECK_EQ(
        amp_graph_runtime_create(
            R"({"nodes":[{"name":"o","type":"sine_osc","params":{"frequency":440}},{"name":"s","type":"safety"},{"name":"m","type":"mix"},{"name":"d","type":"delay","params":{"frames":4}}],"edges":[{"from":"o","to":"s"},{"from":"m","to":"d"},{"from":"d","to":"m","delay_frames":2},{"from":"m","to":"s"}],"output":"s"})",
            &rt),
        AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(amp_test::last_error(rt), "its channel count cannot be inferred: its inputs "
                                             "come only from a feedback loop that no source feeds");
    amp_graph_runtime_destroy(rt);
}

TEST(run_node_refuses_a_controller_without_its_curve_and_names_shapes_plainly) {
    AmpNodeDescriptorView controller{"k", "controller", "{\"curve\": \"cutoff\"}"};
    double *out = nullptr;
    int32_t out_channels = 0;
    void *state = nullptr;
    CHECK_EQ(
        amp_run_node(&controller, nullptr, 1, 0, 3, 48000, &out, &out_channels, &state, nullptr),
        AMP_ERR_INVALID_ARGUMENT);
    AmpErrorView error{};
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "node \"k\" (controller): no control-history curve named "
                                 "\"cutoff\" in this call; supplied: none");
    CHECK(out == nullptr && state == nullptr);

    AmpNodeDescriptorView osc{"osc", "sine_osc", "{}"};
    const double frequency[5] = {1, 2, 3, 4, 5};
    AmpParamView view{"frequency", frequency, 1, 5, 1};
    AmpNodeInputs inputs{nullptr, 0, &view, 1};
    CHECK_EQ(amp_run_node(&osc, &inputs, 1, 0, 3, 48000, &out, &out_channels, &state, nullptr),
             AMP_ERR_SHAPE_MISMATCH);
    amp_run_node_last_error(&error);
    CHECK_CONTAINS(error.detail, "channels is 5; expected 1");
    CHECK(!amp_test::contains(error.detail, "1 or 1"));
}

AMP_TEST_MAIN()
