// Grades exercises/extended_attention_mask: a hand-made mask, then random masks of several shapes
// against the library's, value for value.
#include <limits>

#include "bert/model.h"  // defines: extended_attention_mask
#include "exercises/extended_attention_mask/extended_attention_mask.h"
#include "exercises/grader.h"
#include "tensor/safetensors.h"  // defines: SafetensorsFile

using namespace bertlab;
using namespace bertlab::exercises;

int main(int argc, char** argv) {
  Grader grader(argc, argv, "extended_attention_mask", "bert/model.cpp › extended_attention_mask");
  const float min = std::numeric_limits<float>::lowest();

  grader.check("[[1, 1, 0]] -> [[[[0, 0, finfo.min]]]]", [&] {
    return compare(exercises::extended_attention_mask(IntTensor({1, 1, 0}, {1, 3})),
                   Tensor::from_vector({0.0f, 0.0f, min}, {1, 1, 1, 3}), 0.0);
  });
  grader.check("two sequences, the second padded: [[1, 1, 1, 1], [1, 1, 0, 0]]", [&] {
    return compare(exercises::extended_attention_mask(IntTensor({1, 1, 1, 1, 1, 1, 0, 0}, {2, 4})),
                   Tensor::from_vector({0, 0, 0, 0, 0, 0, min, min}, {2, 1, 1, 4}), 0.0);
  });
  grader.check("HF's mask for tiny-bert's padded batch of 3 (tests/fixtures/models/tiny-bert/golden.safetensors)", [&] {
    const SafetensorsFile golden = SafetensorsFile::open(BERTLAB_SOURCE_DIR "/tests/fixtures/models/tiny-bert/golden.safetensors");
    return compare(exercises::extended_attention_mask(golden.int_tensor("attention_mask")),
                   golden.tensor("extended_attention_mask"), 0.0);
  });
  for (const Shape& shape : {Shape{1, 1}, Shape{3, 7}, Shape{4, 26}}) {
    grader.check(fmt::format("random masks [{}] against the library", fmt::join(shape, ", ")), [&] {
      Generator gen(shape[1]);
      const IntTensor mask = random_ints(shape, 0, 2, gen);
      return compare(exercises::extended_attention_mask(mask), bert::extended_attention_mask(mask), 0.0);
    });
  }
  return grader.finish();
}
