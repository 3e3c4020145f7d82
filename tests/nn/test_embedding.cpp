// nn::Embedding: its padding_idx is checked against the table when the module is built, and a
// lookup of an id outside the table is a one-line error, not a read past the end.
#include "nn/embedding.h"  // defines: Embedding

#include <catch2/catch.hpp>

#include "tensor/error.h"

using namespace bertlab;
using Catch::Contains;

TEST_CASE("Embedding: padding_idx must be a row of the table, or -1 for none", "[nn][embedding]") {
  CHECK(nn::Embedding(5, 3, 4).padding_idx == 4);
  CHECK(nn::Embedding(5, 3, -1).padding_idx == -1);
  // padding_idx = num_embeddings used to zero the row past the end of the table
  CHECK_THROWS_WITH(nn::Embedding(5, 3, 5), Contains("Embedding: padding_idx out of range") &&
                                                Contains("expected -1 (none) or 0 <= padding_idx < 5, got 5"));
  CHECK_THROWS_WITH(nn::Embedding(5, 3, -2), Contains("got -2"));
}

TEST_CASE("Embedding: an id outside the table is a one-line error naming it", "[nn][embedding]") {
  nn::Embedding table(5, 3, 0);
  for (int64_t id : {int64_t{5}, int64_t{-1}, int64_t{1} << 40}) {
    CAPTURE(id);
    try {
      table.forward(IntTensor({1, id}, {1, 2}));
      FAIL("expected an error");
    } catch (const Error& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Contains("embedding: id out of range: expected 0 <= id < 5") &&
                              Contains(fmt::format("got {} at flat position 1", id)));
      CHECK(message.find('\n') == std::string::npos);
    }
  }
}
