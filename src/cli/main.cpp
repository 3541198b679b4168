// cartelier — regenerate print maps from data, in batch.
//   cartelier build [--project cartelier.yaml] [--map ID ...] [--out out/]
//   cartelier check [--project cartelier.yaml]
//   cartelier style eval '<expression JSON>'   (features as JSON lines on stdin)
//   cartelier style convert STYLE.yaml [-o STYLE.json]
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "build/pipeline.hpp"
#include "build/project.hpp"
#include "core/diagnostic.hpp"
#include "style/expression/eval_tool.hpp"
#include "style/style.hpp"

namespace {

using namespace cartelier;

constexpr int kExitOk = 0;
constexpr int kExitMapFailed = 1;
constexpr int kExitProjectUnusable = 2;

void print_diagnostics(const Diagnostics& d) {
    for (const auto& item : d.items()) std::cerr << item.format() << '\n';
}

int run_build_command(const std::string& project_path, const std::vector<std::string>& maps, const std::string& out) {
    build::Project project;
    try {
        project = build::load_project(project_path);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        std::cerr << fmt::format("cartelier: the project {} is unusable; nothing was built\n", project_path);
        return kExitProjectUnusable;
    }
    build::BuildOptions options;
    options.maps = maps;
    options.out_dir = out;
    build::BuildOutcome outcome;
    try {
        outcome = build::run_build(project, options);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        return kExitProjectUnusable;
    }
    std::size_t built = 0;
    for (const auto& m : outcome.maps) {
        print_diagnostics(m.diagnostics);
        if (m.ok) {
            ++built;
            std::vector<std::string> files;
            for (const auto& o : m.outputs) files.push_back(fmt::format("{} ({:.1f} kB)", o.path, o.bytes / 1024.0));
            std::cout << fmt::format("built {:<10} {:.2f} s  1:{:.0f}  labels {} placed, {} displaced, {} unplaced  → {}\n",
                                     m.id, m.seconds, m.scale_denominator, m.labels.placed, m.labels.displaced,
                                     m.labels.unplaced, fmt::join(files, ", "));
        } else {
            std::cout << fmt::format("FAILED {:<10} {} error(s); previous outputs kept\n", m.id,
                                     m.diagnostics.error_count());
        }
    }
    std::cout << fmt::format("{} of {} map(s) built\n", built, outcome.maps.size());
    return outcome.exit_code() == 0 ? kExitOk : kExitMapFailed;
}

int run_check_command(const std::string& project_path) {
    try {
        build::Project project = build::load_project(project_path);
        build::LayerStore store(project);
        Diagnostics all;
        for (const auto& map : project.maps) {
            try {
                Diagnostics warnings;
                style::Style s = style::load_style(map.style, &warnings);
                all.append(warnings);
                for (const auto& name : s.source_layers()) {
                    if (!project.layers.count(name)) {
                        all.error(SourceLocation{map.style, 0, 0, "source-layer"},
                                  fmt::format("the style draws layer '{}', which the project does not declare", name));
                        continue;
                    }
                    store.projected(name, map.crs);
                }
            } catch (const Error& e) {
                all.append(e.diagnostics());
            }
        }
        all.append(store.warnings());
        print_diagnostics(all);
        if (all.has_errors()) {
            std::cout << fmt::format("{} error(s)\n", all.error_count());
            return kExitMapFailed;
        }
        std::cout << fmt::format("project {} is valid: {} map(s), {} layer(s)\n", project_path, project.maps.size(),
                                 project.layers.size());
        return kExitOk;
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        return kExitProjectUnusable;
    }
}

int run_convert_command(const std::string& input, const std::string& output) {
    try {
        std::string json = style::convert_to_json(input);
        if (output.empty() || output == "-") {
            std::cout << json << '\n';
        } else {
            std::ofstream out(output, std::ios::binary);
            out << json << '\n';
            if (!out) {
                std::cerr << fmt::format("{}: error: cannot write the file\n", output);
                return kExitMapFailed;
            }
        }
        return kExitOk;
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        return kExitMapFailed;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Cartelier — print maps (PDF, PNG, SVG) from GIS layers and MapLibre styles, in batch.\n"
                 "Exit status: 0 all good; 1 at least one map (or style, or check) failed; 2 the project file is unusable."};
    app.set_version_flag("--version", std::string("cartelier ") + CARTELIER_VERSION);
    app.require_subcommand(1);

    std::string project_path = "cartelier.yaml";
    std::vector<std::string> maps;
    std::string out_dir = "out";
    auto* build_cmd = app.add_subcommand("build", "Render the maps of the project (every map, or those named with --map).");
    build_cmd->add_option("--project,-p", project_path, "Project file")->capture_default_str();
    build_cmd->add_option("--map,-m", maps, "Map id to build (repeatable); default: every map");
    build_cmd->add_option("--out,-o", out_dir, "Output folder (ID.pdf, ID.png…)")->capture_default_str();

    auto* check_cmd = app.add_subcommand("check", "Validate the project, its styles and data without rendering.");
    check_cmd->add_option("--project,-p", project_path, "Project file")->capture_default_str();

    auto* style_cmd = app.add_subcommand("style", "Style tools.");
    style_cmd->require_subcommand(1);
    std::string expression;
    auto* eval_cmd = style_cmd->add_subcommand(
        "eval", "Evaluate a style expression for features read as JSON lines on standard input\n"
                "({\"properties\": {...}, \"id\": ..., \"geometry\": {\"type\": \"Point\"}, \"zoom\": 5});\n"
                "prints one JSON result per line; compile errors exit with status 1.");
    eval_cmd->add_option("expression", expression, "Expression, as JSON")->required();
    std::string convert_input, convert_output;
    auto* convert_cmd = style_cmd->add_subcommand("convert", "Write the JSON equivalent of a (YAML or JSON) style.");
    convert_cmd->add_option("style", convert_input, "Style file (.yaml, .yml or .json)")->required()->check(CLI::ExistingFile);
    convert_cmd->add_option("--output,-o", convert_output, "Output file (default: standard output)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int status = app.exit(e);
        return status == 0 ? 0 : kExitProjectUnusable;
    }

    if (*build_cmd) return run_build_command(project_path, maps, out_dir);
    if (*check_cmd) return run_check_command(project_path);
    if (*eval_cmd) return style::expr::run_style_eval(expression, std::cin, std::cout, std::cerr);
    if (*convert_cmd) return run_convert_command(convert_input, convert_output);
    return kExitProjectUnusable;
}
