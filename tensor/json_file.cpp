#include "tensor/json_file.h"  // defines: read_text_file, parse_json_object

#include <fstream>
#include <sstream>

namespace bertlab {

std::string read_text_file(const std::filesystem::path& path, const std::string& who) {
  std::ifstream in(path);
  BERT_CHECK(in.good(), "{}: cannot open {}", who, path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json parse_json_object(const std::string& text, const std::string& source) {
  const nlohmann::json j = parse_json<Error>(text, source);
  BERT_CHECK(j.is_object(), "{}: expected a JSON object, got {}", source, j.type_name());
  return j;
}

}  // namespace bertlab
