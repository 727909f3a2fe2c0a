// test_adsr.cpp: the adsr envelope's stages against values worked out by hand, and through it
// optional ports (gate or trigger may be left open; neither is an error) and named outputs
// ("env" = amplitude, "env.reset" = the pulse; unknown names listed), in graphs and in the
// single-node call, block invariance and the catalogue entries.
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::contains;
using amp_test::render;

namespace {

// At 1000 Hz one ms is one frame: attack 4, hold 2, decay 4 (to 0.5), release 4.
const char *kEnv = R"({"name":"env","type":"adsr","params":{"attack_ms":4,"hold_ms":2,
    "decay_ms":4,"sustain":0.5,"release_ms":4}})";

std::string graph(const std::string &port, const std::string &from, const std::string &extra = "") {
    return std::string(
               R"({"sample_rate":1000,"nodes":[{"name":"one","type":"constant","params":{"value":1}},)") +
           kEnv + R"(,{"name":"out","type":"gain"})" + extra + R"(],
        "edges":[{"from":"one","to":"env","port":")" +
           port + R"("},{"from":")" + from + R"(","to":"out"}],"output":"out"})";
}

void check_lane(const std::vector<double> &got, const std::vector<double> &expected, int line) {
    for (size_t f = 0; f < expected.size(); ++f)
        if (!(std::fabs(got[f] - expected[f]) < 1e-15)) {
            ++amp_test::failures();
            std::printf("  line %d: frame %zu is %.17g, expected %.17g\n", line, f, got[f],
                        expected[f]);
            return;
        }
}

} // namespace

TEST(a_held_gate_gives_attack_hold_decay_sustain_and_one_reset_pulse) {
    const auto amplitude = render(graph("gate", "env"), 1, 512, 14);
    CHECK_EQ(amplitude.status, AMP_OK);
    CHECK_EQ(amplitude.channels, 1u);
    check_lane(amplitude.samples,
               {0.25, 0.5, 0.75, 1, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.5, 0.5, 0.5, 0.5}, __LINE__);
    const auto named = render(graph("gate", "env.amplitude"), 1, 512, 14);
    CHECK(named.samples == amplitude.samples);
    const auto reset = render(graph("gate", "env.reset"), 1, 512, 14);
    CHECK_EQ(reset.status, AMP_OK);
    check_lane(reset.samples, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, __LINE__);
    // Block invariance, one frame at a time and in uneven calls.
    CHECK(render(graph("gate", "env.reset"), 1, 1, 14).samples == reset.samples);
    CHECK(render(graph("gate", "env"), 1, 3, 14, {5, 1, 8}).samples == amplitude.samples);
}

TEST(a_trigger_alone_gives_attack_hold_decay_release) {
    const auto run = render(graph("trigger", "env"), 1, 512, 16);
    CHECK_EQ(run.status, AMP_OK);
    check_lane(run.samples,
               {0.25, 0.5, 0.75, 1, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0, 0, 0},
               __LINE__);
}

TEST(named_outputs_drive_modulation_edges_too) {
    // out = one * (0 + env.amplitude): the amplitude again.
    const std::string json =
        std::string(
            R"({"sample_rate":1000,"nodes":[{"name":"one","type":"constant","params":{"value":1}},)") +
        kEnv + R"(,{"name":"out","type":"gain","params":{"gain":0}}],
        "edges":[{"from":"one","to":"env","port":"gate"},{"from":"one","to":"out"}],
        "modulations":[{"from":"env.amplitude","to":"out","param":"gain"}],"output":"out"})";
    const auto run = render(json, 1, 512, 6);
    CHECK_EQ(run.status, AMP_OK);
    check_lane(run.samples, {0.25, 0.5, 0.75, 1, 1, 1}, __LINE__);
}

TEST(bad_output_names_and_open_required_ports_are_refused) {
    const auto unknown = render(graph("gate", "env.pulse"), 1, 64, 4);
    CHECK_EQ(unknown.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(unknown.error, "edges[1]: node \"env\" (adsr) has no output \"pulse\"; "
                                  "outputs: \"amplitude\", \"reset\"");
    const auto unnamed = render(graph("gate", "one.reset"), 1, 64, 4);
    CHECK_CONTAINS(unnamed.error,
                   "node \"one\" (constant) has no output \"reset\"; it has one unnamed output");
    // Both optional ports open: the node says which one it needs.
    const std::string open = std::string(R"({"nodes":[)") + kEnv + R"(],"output":"env"})";
    const auto none = render(open, 1, 64, 4);
    CHECK_EQ(none.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(none.error, "node \"env\" (adsr): needs an edge into input \"gate\" or "
                               "\"trigger\"");
    // A required port stays required.
    const auto gain = render(R"({"nodes":[{"name":"g","type":"gain"}],"output":"g"})", 1, 64, 4);
    CHECK_CONTAINS(gain.error, "node \"g\" (gain): input \"in\" has no incoming edge");
}

TEST(the_graph_output_of_a_multi_output_node_is_every_group) {
    const std::string json =
        std::string(
            R"({"sample_rate":1000,"nodes":[{"name":"one","type":"constant","params":{"value":1,"channels":2}},)") +
        kEnv + R"(],"edges":[{"from":"one","to":"env","port":"gate"}],
                             "output":"env"})";
    const auto run = render(json, 2, 512, 3);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.channels, 4u); // amplitude x 2, then reset x 2
    // batch 1, channel 2 (reset of channel 0), frame 0
    CHECK_EQ(run.samples[(1 * 4 + 2) * 3 + 0], 1.0);
    CHECK_EQ(run.samples[(1 * 4 + 1) * 3 + 1], 0.5);
}

TEST(the_single_node_call_leaves_an_optional_port_open) {
    AmpNodeDescriptorView descriptor{
        "env", "adsr", R"({"attack_ms":4,"hold_ms":2,"decay_ms":4,"sustain":0.5,"release_ms":4})"};
    const double trigger[4] = {1, 1, 0, 0};
    // gate left open (null data, 0 channels), trigger connected.
    AmpAudioView views[2] = {{nullptr, 1, 0, 4}, {trigger, 1, 1, 4}};
    AmpNodeInputs inputs{views, 2, nullptr, 0};
    double *out = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    CHECK_EQ(amp_run_node(&descriptor, &inputs, 1, 0, 4, 1000.0, &out, &channels, &state, nullptr),
             AMP_OK);
    CHECK_EQ(channels, 2);
    if (out != nullptr) {
        check_lane(std::vector<double>(out, out + 8), {0.25, 0.5, 0.75, 1, 1, 0, 0, 0}, __LINE__);
    }
    amp_free(out);
    amp_release_state(state);
}

TEST(the_catalogue_lists_optional_ports_and_named_outputs) {
    const std::string catalog = amp_node_catalog_json();
    CHECK_CONTAINS(catalog, "{\"name\":\"gate\",\"doc\":\"Gate, on above 0.5.\",\"gather\":\"sum\","
                            "\"optional\":true}");
    CHECK_CONTAINS(catalog, "\"outputs\":[{\"name\":\"amplitude\",\"doc\":\"The envelope.\"},"
                            "{\"name\":\"reset\"");
    CHECK_CONTAINS(catalog, "\"gather\":\"sum\",\"optional\":false}],\"outputs\":[]");
}

AMP_TEST_MAIN()
