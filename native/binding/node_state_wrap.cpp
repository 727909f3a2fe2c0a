// node_state_wrap.cpp: ownership of one amp_run_node state (see node_state_wrap.h).
#include "node_state_wrap.h"

#include <string>

#include "amp_native.h"

namespace amp_binding {

namespace {

// Marks the objects this class constructed. Checked instead of `instanceof`, which a prototype
// swap could satisfy with another native object and turn Unwrap into a type confusion.
constexpr napi_type_tag kNodeStateTag = {0x616d706b706e0001ull, 0x4e6f646553746174ull};

// Methods borrowed onto another wrapped object (`NodeState.prototype.release.call(other)`) are
// refused before any member is touched.
void CheckReceiver(const Napi::CallbackInfo &info, const char *method) {
    const Napi::Value self = info.This();
    if (!self.IsObject() || !self.As<Napi::Object>().CheckTypeTag(&kNodeStateTag)) {
        throw Napi::TypeError::New(info.Env(), std::string("NodeState.") + method +
                                                   ": the receiver must be a NodeState");
    }
}

} // namespace

Napi::Function NodeStateWrap::DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<NodeStateWrap>::DefineClass(
        env, "NodeState",
        {
            InstanceMethod<&NodeStateWrap::Release>("release"),
            InstanceAccessor<&NodeStateWrap::Live>("live"),
        });
}

NodeStateWrap *NodeStateWrap::FromValue(const ArgContext &ctx, const Napi::Value &value,
                                        const std::string &name) {
    if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kNodeStateTag)) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "a NodeState");
    }
    return Unwrap(value.As<Napi::Object>());
}

NodeStateWrap::NodeStateWrap(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<NodeStateWrap>(info) {
    info.This().As<Napi::Object>().TypeTag(&kNodeStateTag);
}

NodeStateWrap::~NodeStateWrap() { amp_release_state(state_); }

void NodeStateWrap::Adopt(void *state) noexcept {
    if (state != state_) {
        amp_release_state(state_);
        state_ = state;
    }
}

void NodeStateWrap::Release(const Napi::CallbackInfo &info) {
    CheckReceiver(info, "release");
    amp_release_state(state_);
    state_ = nullptr;
}

Napi::Value NodeStateWrap::Live(const Napi::CallbackInfo &info) {
    CheckReceiver(info, "live");
    return Napi::Boolean::New(info.Env(), state_ != nullptr);
}

} // namespace amp_binding
