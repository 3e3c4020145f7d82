// Weight initialisation, in place (PyTorch's torch.nn.init, with the trailing underscore).
//   normal_(w, 0, 0.02, gen)   every entry ~ N(0, 0.02²): HF's init for BERT's Linear/Embedding
//   kaiming_uniform_(w, √5)    PyTorch's default for nn.Linear and PEFT's for lora_A:
//                              U(-bound, bound), bound = √(6 / ((1 + a²) · fan_in))
#pragma once

#include "tensor/random.h"  // defines: Generator
#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::nn::init {

void normal_(const Tensor& t, float mean, float std, Generator& gen);
void uniform_(const Tensor& t, float low, float high, Generator& gen);
void constant_(const Tensor& t, float value);
void zeros_(const Tensor& t);
void ones_(const Tensor& t);
// fan_in = t.size(1) for a [out, in] weight.
void kaiming_uniform_(const Tensor& t, float a, Generator& gen);

// While a NoInitGuard lives, the random initialisers above leave tensors untouched (HF's
// no_init_weights). from_pretrained builds its model under one — the checkpoint overwrites the
// weights anyway — and then initialises only what the checkpoint lacks.
class NoInitGuard {
 public:
  NoInitGuard();
  ~NoInitGuard();
  NoInitGuard(const NoInitGuard&) = delete;
  NoInitGuard& operator=(const NoInitGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace bertlab::nn::init
