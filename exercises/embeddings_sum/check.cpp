// Grades exercises/embeddings_sum: HF's embedding_output for tiny-bert, then random models and
// inputs against the library's BertEmbeddings.
#include "bert/checkpoint.h"  // defines: from_pretrained
#include "bert/model.h"       // defines: BertModel
#include "exercises/embeddings_sum/embeddings_sum.h"
#include "exercises/grader.h"
#include "tensor/autograd.h"     // defines: NoGradGuard
#include "tensor/safetensors.h"  // defines: SafetensorsFile

using namespace bertlab;
using namespace bertlab::exercises;

int main(int argc, char** argv) {
  Grader grader(argc, argv, "embeddings_sum", "bert/embeddings.cpp › BertEmbeddings::forward");
  NoGradGuard no_grad;

  grader.check("HF's embedding_output for tiny-bert's padded batch of 3 (tests/fixtures/models/tiny-bert)", [&] {
    const std::string dir = BERTLAB_SOURCE_DIR "/tests/fixtures/models/tiny-bert";
    const auto model = bert::from_pretrained<bert::BertModel>(dir);
    model->eval();
    const SafetensorsFile golden = SafetensorsFile::open(dir + "/golden.safetensors");
    return compare(embeddings_sum(golden.int_tensor("input_ids"), golden.int_tensor("token_type_ids"), model->embeddings),
                   golden.tensor("embedding_output"), 1e-5, 1e-5);
  });

  struct Case { int64_t B, S, H; };
  for (const Case& c : {Case{1, 1, 4}, Case{2, 7, 8}, Case{3, 16, 12}}) {
    grader.check(fmt::format("random model (H = {}) and inputs [{}, {}] against the library", c.H, c.B, c.S), [&] {
      bert::BertConfig config;
      config.vocab_size = 40;
      config.hidden_size = c.H;
      config.max_position_embeddings = 16;
      config.num_attention_heads = 1;
      bert::BertEmbeddings embeddings(config);
      embeddings.eval();
      Generator gen(c.S);
      // LayerNorm starts at weight 1, bias 0: random ones, so a forgotten weight or bias shows.
      embeddings.layer_norm.weight = random_tensor({c.H}, gen);
      embeddings.layer_norm.bias = random_tensor({c.H}, gen);
      const IntTensor ids = random_ints({c.B, c.S}, 0, 40, gen), types = random_ints({c.B, c.S}, 0, 2, gen);
      return compare(embeddings_sum(ids, types, embeddings), embeddings.forward(ids, types), 1e-5, 1e-5);
    });
  }
  return grader.finish();
}
