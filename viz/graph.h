// The autograd graph as a picture: every op between the parameters and the loss.
//
// bertlab::to_dot(loss) (tensor/autograd.h) writes the graph in Graphviz's DOT language: a box
// per op with its output shape, a rounded blue box per leaf with its name. Leaves only have a name once
// it is set, so name_parameters(model) first gives every parameter its checkpoint key.
//   name_parameters(model);                        // "bert.encoder.layer.0.attention.self.query.weight", ...
//   write_graph(model.forward(ids, {}, {}, labels).loss, "graph.svg");   // .dot, or .svg via `dot`
// SVG layout is done by Graphviz (Debian package `graphviz`): laying out a graph of a few hundred
// nodes well is a project of its own, and `dot` does it properly.
#pragma once

#include <filesystem>
#include <string>

#include "nn/module.h"      // defines: Module
#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::viz {

// Tensor::set_name(key) on every parameter, keys as named_parameters() spells them.
void name_parameters(const nn::Module& module);

// Lay out a DOT graph with Graphviz (`dot -Tsvg`) and return the SVG text. Throws bertlab::Error
// when `dot` is not installed or fails.
std::string dot_to_svg(const std::string& dot);

// to_dot(root) into `out`: a .dot file as is, a .svg file laid out by dot_to_svg.
void write_graph(const Tensor& root, const std::filesystem::path& out);

}  // namespace bertlab::viz
