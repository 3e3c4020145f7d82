// Lab step 4: one training step of BertForMaskedLM, by hand (cells In [20]..In [26], after the notebook).
//
//   ./build/examples/lab04_training_step [model folder or name, default bert-base-uncased]
// The notebook's sentence 5 with its hidden word known ("cookies"): the MLM loss at the [MASK],
// the autograd graph of that loss (written to loss_graph.dot in the current folder), backward and
// every parameter's gradient norm, one AdamW step, and the loss again, lower.
// docs/labs/en/04-training-step.md explains each cell. Code that does the work:
// tensor/ops/cross_entropy.cpp (the loss and its gradient), tensor/autograd.cpp (backward),
// nn/optim.cpp (AdamW), viz/graph.cpp (the graph).
#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "bert/for_masked_lm.h"         // defines: BertForMaskedLM
#include "examples/lab/notebook.h"      // defines: cell, out, load_tokenizer, load_model, run_step
#include "examples/lab/python_print.h"  // defines: python_repr, torch_repr
#include "nn/optim.h"                   // defines: AdamW
#include "pipelines/return_tensors.h"   // defines: return_tensors
#include "tensor/autograd.h"            // defines: NoGradGuard
#include "tensor/error.h"               // defines: BERT_CHECK
#include "tensor/ops.h"                 // defines: sqrt, sum
#include "viz/graph.h"                  // defines: name_parameters, write_graph

namespace bertlab::lab {

void lab04_training_step(const LabOptions& options) {
  const std::string& model_name = options.model;
  cell(20, fmt::format("tokenizer = BertTokenizer.from_pretrained('{0}')\n"
                       "model = BertForMaskedLM.from_pretrained('{0}')\n"
                       "model.eval()  # dropout off: the same numbers on every run, and in PyTorch",
                       model_name));
  const tokenizer::BertTokenizer tokenizer = load_tokenizer(model_name);
  const std::unique_ptr<bert::BertForMaskedLM> model = load_model<bert::BertForMaskedLM>(options);
  model->eval();  // from_pretrained already returns it in eval mode, as in transformers; said here on purpose

  // The notebook's sentence 5 (In [15]) and the sentence it was made from (In [7]'s example2).
  const std::string text = "The scent of freshly baked [MASK] filled the kitchen";
  const std::string label_text = "The scent of freshly baked cookies filled the kitchen";
  cell(21, fmt::format("inputs = tokenizer(\"{}\", return_tensors=\"pt\")\n"
                       "labels = tokenizer(\"{}\", return_tensors=\"pt\")[\"input_ids\"]\n"
                       "labels = torch.where(inputs.input_ids == tokenizer.mask_token_id, labels, -100)\n"
                       "print(labels)",
                       text, label_text));
  const tokenizer::Encoding encoded_inputs = tokenizer(text);
  const tokenizer::Encoding encoded_labels = tokenizer(label_text);
  BERT_CHECK(encoded_inputs.size() == encoded_labels.size(),
             "lab04: the hidden word must be one token: expected {} tokens, got {}", encoded_inputs.size(),
             encoded_labels.size());
  const int64_t S = static_cast<int64_t>(encoded_inputs.size());
  std::vector<int64_t> labels(S, -100);  // -100: no loss at this position (cross_entropy's ignore_index)
  for (int64_t i = 0; i < S; ++i)
    if (encoded_inputs.input_ids[i] == tokenizer.mask_token_id()) labels[i] = encoded_labels.input_ids[i];
  std::cout << torch_repr(labels) << "\n";

  cell(22, "outputs = model(**inputs, labels=labels)\n"
           "loss = outputs.loss\n"
           "print(loss.item())");
  const pipelines::ModelInputs inputs = pipelines::return_tensors(encoded_inputs);
  const Tensor loss = model->forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids,
                                     IntTensor(labels, {1, S})).loss;  // []: -log p(cookies | the sentence)
  std::cout << fmt::format("{}\n", double{loss.item()});  // double: Python's float repr, shortest round trip

  // Before backward: bertlab frees the graph as backward walks it (PyTorch keeps its shape).
  cell(23, "from torchviz import make_dot\n"
           "make_dot(loss, params=dict(model.named_parameters())).save(\"loss_graph.dot\")");
  viz::name_parameters(*model);  // each leaf shows its checkpoint key
  viz::write_graph(loss, "loss_graph.dot");
  out(23, python_repr("loss_graph.dot"));

  cell(24, "loss.backward()\n"
           "for name, p in model.named_parameters():\n"
           "    print(name, p.grad.norm())");
  loss.backward();  // d(loss)/d(p) into p.grad() for every parameter
  for (const auto& [name, p] : model->named_parameters()) {
    const Tensor g = p.grad();                                      // same shape as p
    std::cout << name << " " << torch_repr(sqrt(sum(g * g))) << "\n";  // ‖g‖₂
  }

  const double lr = 5e-5;
  cell(25, "optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)\n"
           "optimizer.step()");
  nn::AdamW optimizer({{model->parameters(), /*weight_decay=*/0.01}}, lr, /*beta1=*/0.9, /*beta2=*/0.999, /*eps=*/1e-8);
  optimizer.step();  // step 1: every weight moves by about lr against the sign of its gradient

  cell(26, "with torch.no_grad():\n"
           "    new_loss = model(**inputs, labels=labels).loss\n"
           "print(loss.item(), \"->\", new_loss.item())\n"
           "print(new_loss.item() - loss.item(), \"predicted:\", -5e-5 * sum(p.grad.abs().sum().item() for p in model.parameters()))");
  NoGradGuard no_grad;  // evaluation only
  const Tensor new_loss = model->forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids,
                                         IntTensor(labels, {1, S})).loss;
  double grad_l1 = 0;  // Σ |g| over every weight: the first step's drop, per unit of lr
  for (const Tensor& p : model->parameters())
    for (float g : p.grad().to_vector()) grad_l1 += std::fabs(g);
  std::cout << fmt::format("{} -> {}\n", double{loss.item()}, double{new_loss.item()});
  std::cout << fmt::format("{} predicted: {}\n", double{new_loss.item()} - double{loss.item()}, -lr * grad_l1);
}

}  // namespace bertlab::lab

int main(int argc, char** argv) { return bertlab::lab::run_step(argc, argv, bertlab::lab::lab04_training_step); }
