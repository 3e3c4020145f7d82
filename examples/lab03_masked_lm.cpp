// Lab step 3: BertForMaskedLM fills in [MASK] (notebook cells In [14]..In [19]).
//
//   ./build/examples/lab03_masked_lm [model folder or name, default bert-base-uncased]
// The masked-LM head turns each token's hidden vector into one score per vocabulary word
// (logits [1, S, V]); softmax at the [MASK] position gives the probabilities, and the top 5
// are BERT's guesses. pipelines/fill_mask.h packs the same steps into one call (`bertlab fill-mask`).
// Code that does the work: bert/for_masked_lm.cpp (BertForMaskedLM, BertLMPredictionHead: the
// decoder shares the word-embedding table), pipelines/fill_mask.cpp (mask_positions, top_k_probabilities).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "pipelines/fill_mask.h"             // defines: mask_positions, top_k_probabilities
#include "pipelines/return_tensors.h"        // defines: return_tensors
#include "examples/lab/notebook.h"      // defines: cell, load_tokenizer, load_model, run_step, kMaskedSents
#include "examples/lab/steps.h"         // defines: lab03_masked_lm
#include "tensor/autograd.h"            // defines: NoGradGuard

namespace bertlab::lab {

void lab03_masked_lm(const LabOptions& options) {
  const std::string& model_name = options.model;
  const tokenizer::BertTokenizer tokenizer = load_tokenizer(model_name);  // In [3]

  cell(14, fmt::format("mlm_model = BertForMaskedLM.from_pretrained('{}')", model_name));
  const std::unique_ptr<bert::BertForMaskedLM> mlm_model = load_model<bert::BertForMaskedLM>(options);

  // The subject (or object) of each sentence is hidden.
  const std::vector<std::string>& masked_sents = kMaskedSents;
  std::vector<std::string> quoted;
  for (const std::string& sent : masked_sents) quoted.push_back(fmt::format("\"{}\"", sent));
  cell(15, fmt::format("masked_sents = [{}]", fmt::join(quoted, ",\n                ")));

  cell(16, "outputs = []\n"
           "masked_positions = []\n"
           "for sent in masked_sents:\n"
           "    encoded_inputs = tokenizer(sent, return_tensors=\"pt\")\n"
           "    output = mlm_model(**encoded_inputs)\n"
           "    masked_position = torch.where(encoded_inputs[\"input_ids\"] == 103)[1].item()\n"
           "    masked_positions.append(masked_position)\n"
           "    outputs.append(output)");
  std::vector<Tensor> outputs;  // logits [1, S, V] per sentence
  std::vector<int64_t> masked_positions;
  NoGradGuard no_grad;  // inference only
  for (const std::string& sent : masked_sents) {
    const tokenizer::Encoding encoded_inputs = tokenizer(sent);
    const pipelines::ModelInputs inputs = pipelines::return_tensors(encoded_inputs);
    outputs.push_back(mlm_model->forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids).logits);
    // [MASK] is a special token: the tokenizer keeps it whole, as id 103.
    masked_positions.push_back(pipelines::mask_positions(encoded_inputs.input_ids, tokenizer.mask_token_id()).at(0));
  }

  cell(17, "print(masked_positions)");
  std::cout << fmt::format("{}\n", masked_positions);

  cell(18, "predictions = []\n"
           "for i, output in enumerate(outputs):\n"
           "    embeddings = output[0]\n"
           "    probs = F.softmax(embeddings[0, masked_positions[i]], dim=-1)\n"
           "    top_k_weights, top_k_indices = torch.topk(probs, 5, sorted=True)\n"
           "    temp = []\n"
           "    for i, w in zip(top_k_indices, top_k_weights):\n"
           "        word = tokenizer.convert_ids_to_tokens(i.item())\n"
           "        temp.append((word, w.item()))\n"
           "    predictions.append(temp)");
  std::vector<std::vector<std::pair<std::string, float>>> predictions;  // (word, probability)
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::vector<std::pair<std::string, float>>& temp = predictions.emplace_back();
    for (const pipelines::TokenProbability& top : pipelines::top_k_probabilities(outputs[i], masked_positions[i], 5))
      temp.emplace_back(tokenizer.convert_ids_to_tokens(top.token), top.probability);
  }

  cell(19, "for i, preds in enumerate(predictions):\n"
           "    print(f\"{i+1}. {masked_sents[i]}\")\n"
           "    for pred, weight in preds:\n"
           "        print(f\"[MASK] -> \\t{pred} : {weight:.6f}\")\n"
           "    print(\"-\"*40)\n"
           "    print()");
  for (size_t i = 0; i < predictions.size(); ++i) {
    std::cout << fmt::format("{}. {}\n", i + 1, masked_sents[i]);
    for (const auto& [pred, weight] : predictions[i]) std::cout << fmt::format("[MASK] -> \t{} : {:.6f}\n", pred, weight);
    std::cout << std::string(40, '-') << "\n\n";
  }
}

}  // namespace bertlab::lab

#ifndef BERTLAB_LAB_NO_MAIN  // built alone; `bertlab lab` compiles this file without main()
int main(int argc, char** argv) { return bertlab::lab::run_step(argc, argv, bertlab::lab::lab03_masked_lm); }
#endif
