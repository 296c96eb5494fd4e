// Shared declarations of the semiseg native addon: tensor handles, errors, module registration.
// The addon is a thin, generic layer over ATen and the c10 dispatcher; it holds no domain logic.
#pragma once

#include <napi.h>

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace semiseg {

// ---------------------------------------------------------------------------------------------
// Tensor handles. JS never sees an at::Tensor: it holds a number that encodes a slot of a per-thread
// table and that slot's generation, so a stale handle (disposed, then the slot reused) is detected
// instead of aliasing a newer tensor. Handle = generation * 2^24 + slot (exact in a double).
// ---------------------------------------------------------------------------------------------
class HandleTable {
 public:
  static constexpr uint64_t kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;

  double Add(at::Tensor tensor);
  // Returns nullptr when the handle is not live (disposed, stale, or never valid).
  at::Tensor* Find(double handle);
  // Frees the slot; returns false when the handle was not live (double dispose is harmless).
  bool Release(double handle);
  size_t Live() const { return live_; }

 private:
  struct Slot {
    at::Tensor tensor;
    uint32_t generation = 1;
    bool used = false;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

HandleTable& Handles();

// ---------------------------------------------------------------------------------------------
// Errors. Every entry point runs its body through Guard(): c10::Error and std::exception become a JS
// TorchError (a class registered from JS) whose message is the first line of libtorch's message,
// prefixed with the context (op name). An uncaught C++ exception would abort Node.
// ---------------------------------------------------------------------------------------------
[[noreturn]] void ThrowTorchError(Napi::Env env, const std::string& context, const std::string& message);
[[noreturn]] void ThrowTypeError(Napi::Env env, const std::string& message);

template <typename F>
auto Guard(Napi::Env env, const char* context, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    ThrowTorchError(env, context, e.what_without_backtrace());
  } catch (const std::exception& e) {
    ThrowTorchError(env, context, e.what());
  }
}

// Resolves a tensor handle argument or throws a TorchError naming the context and argument.
at::Tensor& TensorArg(const Napi::Value& value, const std::string& context, const char* argName);

// Wraps a tensor into a new handle (a JS number). An undefined tensor becomes null.
Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor);

// dtype names as the TS API spells them: float32, float64, float16, bfloat16, int64, int32, int16,
// int8, uint8, bool, complex64.
std::string DTypeName(at::ScalarType type);
at::ScalarType ParseDType(const std::string& name, const std::string& context);
c10::Device ParseDevice(const std::string& name, const std::string& context);

// Registration of the exports of each translation unit.
void RegisterOps(Napi::Env env, Napi::Object exports);
void RegisterTensors(Napi::Env env, Napi::Object exports);
void RegisterRuntime(Napi::Env env, Napi::Object exports);
void RegisterSerialize(Napi::Env env, Napi::Object exports);

}  // namespace semiseg
