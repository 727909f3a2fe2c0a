// node_state_wrap.h: the JS NodeState object (NativeNodeState in src/native/addon-types.ts): the
// owner of one opaque node state of amp_run_node / amp_run_node_v2.
//
// `new NodeState()` is empty (the C `*state == NULL`): the first runNode() with it creates the
// node. Ownership rule: the JS object always holds the CURRENT state. When a call replaces the
// state (the runtime starts a fresh stream for other batches, input channels or sample rate),
// runNode() releases the replaced one with amp_release_state and keeps the new one in the same
// object, so JS never sees or frees a stale pointer. release() frees the state now and leaves the
// object empty (the next runNode() starts a fresh stream); it is idempotent. An object collected
// without release() frees its state in the finalizer.
#pragma once

#include <napi.h>

#include <string>

#include "args.h"

namespace amp_binding {

class NodeStateWrap : public Napi::ObjectWrap<NodeStateWrap> {
  public:
    // The exported class.
    static Napi::Function DefineClass(Napi::Env env);
    // The NodeState in `value` (an object this class constructed), or a TypeError naming the
    // argument.
    static NodeStateWrap *FromValue(const ArgContext &ctx, const Napi::Value &value,
                                    const std::string &name);

    explicit NodeStateWrap(const Napi::CallbackInfo &info);
    ~NodeStateWrap() override;
    NodeStateWrap(const NodeStateWrap &) = delete;
    NodeStateWrap &operator=(const NodeStateWrap &) = delete;

    // The current state; null when empty.
    void *get() const noexcept { return state_; }
    // Takes the pointer a native call left in its state slot; releases the previous state when
    // the call replaced it.
    void Adopt(void *state) noexcept;

  private:
    // release(): amp_release_state, then empty. Idempotent.
    void Release(const Napi::CallbackInfo &info);
    // live: true while a native state is held.
    Napi::Value Live(const Napi::CallbackInfo &info);
    // snapshot(): Uint8Array (amp_node_state_snapshot); restore(snapshot: Uint8Array). Both
    // throw (code -1) on an empty state.
    Napi::Value Snapshot(const Napi::CallbackInfo &info);
    void Restore(const Napi::CallbackInfo &info);

    void *state_ = nullptr;
};

} // namespace amp_binding
