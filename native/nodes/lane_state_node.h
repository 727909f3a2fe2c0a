// lane_state_node.h: the base of a node whose whole saved state is one `Lane` value per lane
// (lane = batch x output channel + channel): it owns those values and implements the state
// hooks of node.h over them, so each such node only says what a lane holds.
#pragma once

#include <algorithm>
#include <vector>

#include "nodes/node.h"
#include "nodes/node_helpers.h"

namespace amp {

// Lane must be trivially copyable and have no padding (spell it out as zeroed members): a
// snapshot is the lanes' bytes, and the same state must always save the same bytes.
template <typename Lane>
class LaneStateNode : public Node {
  public:
    // Every lane back to its default value; a node whose lanes start elsewhere overrides it.
    void reset() noexcept override { std::fill(lanes_.begin(), lanes_.end(), Lane{}); }
    size_t state_bytes() const override { return lanes_.size() * sizeof(Lane); }
    void save_state(unsigned char *to) const noexcept override {
        save_values(to, lanes_.data(), lanes_.size());
    }
    void load_state(const unsigned char *from) noexcept override {
        load_values(from, lanes_.data(), lanes_.size());
    }

  protected:
    std::vector<Lane> lanes_; // one per lane, sized by the node's prepare()
};

} // namespace amp
