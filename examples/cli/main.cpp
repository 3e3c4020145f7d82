// bertlab: the command line of the project. `bertlab --help` lists the subcommands.
#include <exception>
#include <iostream>

#include "examples/cli/commands.h"  // defines: add_*_command

int main(int argc, char** argv) {
  CLI::App app{"bertlab: learn BERT by reading and running it"};
  app.require_subcommand(1);
  bertlab::cli::add_attention_command(app);
  bertlab::cli::add_classify_command(app);
  bertlab::cli::add_demo_command(app);
  bertlab::cli::add_embed_command(app);
  bertlab::cli::add_fetch_minilm_command(app);
  bertlab::cli::add_fill_mask_command(app);
  bertlab::cli::add_finetune_cls_command(app);
  bertlab::cli::add_finetune_token_cls_command(app);
  bertlab::cli::add_finetune_qa_command(app);
  bertlab::cli::add_forward_command(app);
  bertlab::cli::add_gradcheck_command(app);
  bertlab::cli::add_graph_command(app);
  bertlab::cli::add_lab_command(app);
  bertlab::cli::add_plot_command(app);
  bertlab::cli::add_pretrain_command(app);
  bertlab::cli::add_qa_command(app);
  bertlab::cli::add_quantize_report_command(app);
  bertlab::cli::add_similarity_command(app);
  bertlab::cli::add_tokenize_command(app);
  bertlab::cli::add_train_tokenizer_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Library errors carry one clear line (what, where, a hint): print it, exit non-zero.
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
