// node_state_wrap.cpp: ownership of one amp_run_node state (see node_state_wrap.h).
#include "node_state_wrap.h"

#include <string>

#include "amp_native.h"
#include "errors.h"

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
            InstanceMethod<&NodeStateWrap::Snapshot>("snapshot"),
            InstanceMethod<&NodeStateWrap::Restore>("restore"),
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

Napi::Value NodeStateWrap::Snapshot(const Napi::CallbackInfo &info) {
    CheckReceiver(info, "snapshot");
    Napi::Env env = info.Env();
    if (state_ == nullptr)
        throw MakeAmpError(env, BindingError("snapshot: the node state is empty (no call yet)"));
    uint64_t bytes = 0;
    int32_t status = amp_node_state_snapshot_size(state_, &bytes);
    if (status != AMP_OK) throw MakeAmpError(env, NodeCallErrorFor(status, "snapshot"));
    Napi::Uint8Array snapshot = Napi::Uint8Array::New(env, static_cast<size_t>(bytes));
    status = amp_node_state_snapshot(state_, snapshot.Data(), bytes);
    if (status != AMP_OK) throw MakeAmpError(env, NodeCallErrorFor(status, "snapshot"));
    return snapshot;
}

void NodeStateWrap::Restore(const Napi::CallbackInfo &info) {
    CheckReceiver(info, "restore");
    Napi::Env env = info.Env();
    const ArgContext ctx{info, "restore"};
    const Napi::Uint8Array snapshot = Uint8ArrayArg(ctx, 0, "snapshot");
    if (state_ == nullptr)
        throw MakeAmpError(env, BindingError("restore: the node state is empty (no call yet)"));
    const int32_t status = amp_node_state_restore(state_, snapshot.Data(), snapshot.ByteLength());
    if (status != AMP_OK) throw MakeAmpError(env, NodeCallErrorFor(status, "restore"));
}

Napi::Value NodeStateWrap::Live(const Napi::CallbackInfo &info) {
    CheckReceiver(info, "live");
    return Napi::Boolean::New(info.Env(), state_ != nullptr);
}

} // namespace amp_binding
