// Lab step 2: BertModel (notebook cells In [9]..In [13]).
//
//   ./build/examples/lab02_bert_model [model folder or name, default bert-base-uncased]
//                                    [--attn-implementation eager]   (the composed attention ops)
// Load the bare BERT, count its parameters, print its embedding layer, and run it on one text:
// one 768-number vector per token (last_hidden_state [1, S, H]) and one for the whole text
// (pooler_output [1, H]).
// Code that does the work: bert/checkpoint.cpp (from_pretrained), bert/model.cpp (BertModel::forward:
// embeddings -> encoder -> pooler), bert/embeddings.cpp (BertEmbeddings), bert/self_attention.cpp
// (BertSelfAttention), bert/layer.cpp (BertLayer), bert/pooler.cpp (BertPooler).
#include <fmt/format.h>

#include <iostream>

#include "bert/model.h"                 // defines: BertModel
#include "pipelines/return_tensors.h"        // defines: return_tensors
#include "examples/lab/notebook.h"      // defines: cell, out, load_tokenizer, load_model, run_step
#include "examples/lab/python_print.h"  // defines: torch_size
#include "examples/lab/steps.h"         // defines: lab02_bert_model
#include "tensor/autograd.h"            // defines: NoGradGuard

namespace bertlab::lab {

void lab02_bert_model(const LabOptions& options) {
  const std::string& model_name = options.model;
  const tokenizer::BertTokenizer tokenizer = load_tokenizer(model_name);  // In [3]

  // A checkpoint with a masked-LM head loads too: its cls.* tensors are reported as not used.
  cell(9, fmt::format("model = BertModel.from_pretrained('{}')", model_name));
  const std::unique_ptr<bert::BertModel> model = load_model<bert::BertModel>(options);

  cell(10, "model.num_parameters()");
  out(10, std::to_string(model->num_parameters()));

  // Token, position and segment embeddings are summed, then LayerNorm and dropout.
  cell(11, "model.embeddings");
  out(11, nn::to_string(model->embeddings));

  cell(12, "example = \"During the weekend, our team participated in a hackathon, where we developed an "
           "innovative app for tracking daily water intake\"\n"
           "encoded_inputs = tokenizer(example, return_tensors=\"pt\")\n"
           "outputs = model(**encoded_inputs)");
  const tokenizer::Encoding encoded_inputs = tokenizer(
      "During the weekend, our team participated in a hackathon, where we developed an innovative app for "
      "tracking daily water intake");
  const pipelines::ModelInputs inputs = pipelines::return_tensors(encoded_inputs);  // [1, S] each
  NoGradGuard no_grad;  // inference: no autograd graph (the notebook could have used torch.no_grad())
  const bert::BertModelOutput outputs = model->forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids);

  // outputs[0] is last_hidden_state, outputs[1] pooler_output.
  cell(13, "print(outputs[0].shape)\nprint(outputs[1].shape)");
  std::cout << torch_size(outputs.last_hidden_state.shape()) << '\n'   // [1, S, H]
            << torch_size(outputs.pooler_output.shape()) << '\n';      // [1, H]
}

}  // namespace bertlab::lab

#ifndef BERTLAB_LAB_NO_MAIN  // built alone; `bertlab lab` compiles this file without main()
int main(int argc, char** argv) { return bertlab::lab::run_step(argc, argv, bertlab::lab::lab02_bert_model); }
#endif
