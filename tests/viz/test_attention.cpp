#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "bert/checkpoint.h"           // defines: from_pretrained
#include "bert/model.h"                // defines: BertModel
#include "tensor/autograd.h"           // defines: NoGradGuard
#include "tests/support/fixtures.h"    // defines: fixture
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer
#include "viz/attention.h"             // defines: AttentionMaps, attention_html, attention_layer_svg

using namespace bertlab;

namespace {

// Two tokens, one layer, one head: query 0 reads itself (0.25) and key 1 (0.75).
viz::AttentionMaps two_token_maps(std::vector<std::string> tokens) {
  return {std::move(tokens), {Tensor::from_vector({0.25f, 0.75f, 1.0f, 0.0f}, {1, 1, 2, 2})}};
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("check_attention_maps: rejects missing layers and wrong shapes", "[viz]") {
  CHECK_THROWS_WITH(viz::check_attention_maps({{"a"}, {}}), Catch::Contains("no layers"));
  viz::AttentionMaps three_tokens = two_token_maps({"a", "b", "c"});
  CHECK_THROWS_WITH(viz::check_attention_maps(three_tokens),
                    Catch::Contains("layer 0 has the wrong shape: expected [1, 1, 3, 3]") &&
                        Catch::Contains("got [1, 1, 2, 2]"));
  CHECK(viz::check_attention_maps(two_token_maps({"a", "b"})) == 1);
}

TEST_CASE("attention_html: tokens cannot break out of the page's script or markup", "[viz]") {
  const std::string page = viz::attention_html(two_token_maps({"</script><b>", "&\"'"}), "x < y & \"z\"");
  CHECK(count(page, "</script>") == 3);  // the page's own three scripts, none from a token
  CHECK_THAT(page, Catch::Contains(R"(["\u003c/script\u003e\u003cb\u003e","\u0026\"'"])"));
  CHECK_THAT(page, Catch::Contains("<title>Attention: x &lt; y &amp; &quot;z&quot;</title>"));
  CHECK_THAT(page, Catch::Contains("\"attentions\": [\n[[[0.2500,0.7500],[1.0000,0.0000]]]]}"));  // [L][N][S][S]
  CHECK(count(page, "http") == 1);  // only the SVG namespace name: nothing is fetched
}

TEST_CASE("attention_layer_svg: a labelled heatmap per head, the value in each cell's tooltip", "[viz]") {
  const std::string svg = viz::attention_layer_svg(two_token_maps({"<", "&"}), 0);
  CHECK_THAT(svg, Catch::Contains("<title>&lt; \u2192 &amp;: 0.750</title>"));  // query "<" reads key "&"
  CHECK_THAT(svg, Catch::Contains("fill=\"#ffffff\"><title>&amp; \u2192 &amp;: 0.000"));
  CHECK(count(svg, "<rect") == 1 + 4);  // the white background, then S x S cells
  CHECK(count(svg, ">head 0</text>") == 1);
  CHECK_THROWS_WITH(viz::attention_layer_svg(two_token_maps({"a", "b"}), 1), Catch::Contains("no layer 1"));
}

TEST_CASE("attention_layer_svg: tiny-bert, every head of a layer in one picture", "[viz][golden]") {
  auto dir = testing::fixture("models/tiny-bert");
  if (!dir) return;
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained(dir->string());
  const auto model = bert::from_pretrained<bert::BertModel>(*dir);
  const tokenizer::Encoding enc = tokenizer("the cat sat");
  const auto S = static_cast<int64_t>(enc.size());
  NoGradGuard no_grad;
  const auto out = model->forward(IntTensor(enc.input_ids, {1, S}), {}, {}, false, true);
  const viz::AttentionMaps maps{tokenizer.convert_ids_to_tokens(enc.input_ids), out.attentions};
  REQUIRE(maps.tokens == std::vector<std::string>{"[CLS]", "the", "cat", "sat", "[SEP]"});
  const std::string svg = viz::attention_layer_svg(maps, 1);
  CHECK(count(svg, "<rect") == 1 + 4 * 5 * 5);  // background + N heads x S x S cells
  for (int64_t h = 0; h < 4; ++h) {
    CHECK(count(svg, fmt::format(">head {}</text>", h)) == 1);
    const float want = out.attentions[1].data()[(h * S + 1) * S + 4];  // [1, N, S, S]: query "the", key [SEP]
    CHECK_THAT(svg, Catch::Contains(fmt::format("<title>the \u2192 [SEP]: {:.3f}</title>", want)));
  }
}
