// The per-thread tensor handle table and the error helpers.
#include "common.h"

#include <c10/util/Exception.h>

namespace semiseg {

double HandleTable::Add(at::Tensor tensor) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    if (slots_.size() >= kSlotMask) throw std::runtime_error("too many live tensors (16M): dispose tensors");
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.tensor = std::move(tensor);
  s.used = true;
  ++live_;
  return static_cast<double>((static_cast<uint64_t>(s.generation) << kSlotBits) | slot);
}

at::Tensor* HandleTable::Find(double handle) {
  if (!(handle >= 0) || handle > 9007199254740991.0) return nullptr;
  const uint64_t h = static_cast<uint64_t>(handle);
  const uint64_t slot = h & kSlotMask;
  const uint64_t generation = h >> kSlotBits;
  if (slot >= slots_.size()) return nullptr;
  Slot& s = slots_[slot];
  if (!s.used || s.generation != generation) return nullptr;
  return &s.tensor;
}

bool HandleTable::Release(double handle) {
  at::Tensor* t = Find(handle);
  if (t == nullptr) return false;
  const uint32_t slot = static_cast<uint32_t>(static_cast<uint64_t>(handle) & kSlotMask);
  Slot& s = slots_[slot];
  s.tensor = at::Tensor();
  s.used = false;
  // Generations wrap within 29 bits so that handles stay exact doubles.
  s.generation = (s.generation + 1) & ((1u << 29) - 1);
  if (s.generation == 0) s.generation = 1;
  free_.push_back(slot);
  --live_;
  return true;
}

HandleTable& Handles() {
  // One table per thread, so that each Node worker thread (its own environment) has its own handles.
  static thread_local HandleTable table;
  return table;
}

namespace {
thread_local Napi::FunctionReference* torchErrorClass = nullptr;

std::string FirstLine(const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}
}  // namespace

void SetTorchErrorClass(Napi::Env env, Napi::Function ctor) {
  // Intentionally leaked: a static FunctionReference destroyed after the environment crashes at exit.
  torchErrorClass = new Napi::FunctionReference(Napi::Persistent(ctor));
  (void)env;
}

void ThrowTorchError(Napi::Env env, const std::string& context, const std::string& message) {
  std::string text = FirstLine(message);
  if (!context.empty()) text = context + ": " + text;
  if (torchErrorClass != nullptr && !torchErrorClass->IsEmpty()) {
    Napi::Object err = torchErrorClass->New({Napi::String::New(env, text), Napi::String::New(env, message)});
    throw Napi::Error(env, err);
  }
  throw Napi::Error::New(env, text);
}

void ThrowTypeError(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }

at::Tensor& TensorArg(const Napi::Value& value, const std::string& context, const char* argName) {
  if (!value.IsNumber()) {
    ThrowTorchError(value.Env(), context,
                    std::string("argument '") + argName + "' must be a Tensor");
  }
  at::Tensor* t = Handles().Find(value.As<Napi::Number>().DoubleValue());
  if (t == nullptr) {
    ThrowTorchError(value.Env(), context,
                    std::string("argument '") + argName + "' is a disposed tensor");
  }
  return *t;
}

Napi::Value WrapTensor(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  return Napi::Number::New(env, Handles().Add(std::move(tensor)));
}

}  // namespace semiseg
