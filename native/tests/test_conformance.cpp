// test_conformance.cpp: every registered node type passes the same checks (conformance.h),
// found through the catalogue, so a new node gets them for free. Node-specific maths stay in
// each node's own test file.
#include "conformance.h"

TEST(every_registered_node_conforms) {
    const auto types = conformance::catalogue();
    CHECK(types.size() >= 9); // the catalogue was read
    for (const conformance::NodeType &node : types) {
        const auto report = conformance::check_node(node);
        for (const std::string &problem : report) {
            ++amp_test::failures();
            std::printf("  %s: %s\n", node.type.c_str(), problem.c_str());
        }
        std::printf("  %-18s %s\n", node.type.c_str(), report.empty() ? "conforms" : "FAILS");
    }
}

AMP_TEST_MAIN()
