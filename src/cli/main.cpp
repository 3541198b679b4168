// cartelier — regenerate print maps from data, in batch.
//   cartelier build [--project cartelier.yaml] [--map ID ...] [--out out/] [--force] [--strict] [-j N] [--shard K/N]
//   cartelier check [--project cartelier.yaml] [--map ID ...] [--shard K/N] [--strict]
//   cartelier list  [--project cartelier.yaml] [--out out/] [--map ID ...] [--shard K/N]
//   cartelier export LAYER -o FILE [--project cartelier.yaml] [--crs CRS]
//   cartelier style eval '<expression JSON>'   (features as JSON lines on stdin)
//   cartelier style convert STYLE.yaml [-o STYLE.json]
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>
#include <thread>
#include <atomic>
#include <chrono>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "pipeline/atlas.hpp"
#include "pipeline/cancel.hpp"
#include "pipeline/credits.hpp"
#include "pipeline/export.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/project.hpp"
#include "core/memory.hpp"
#include "pipeline/report.hpp"
#include "pipeline/prepared_cache.hpp"
#include "pipeline/shard.hpp"
#include "pipeline/state.hpp"
#include "pipeline/watch.hpp"
#include "serve/preview.hpp"
#include "serve/server.hpp"
#include "core/diagnostic.hpp"
#include "layout/page_layout.hpp"
#include "render/icons.hpp"
#include "render/map_renderer.hpp"
#include "style/expression/eval_tool.hpp"
#include "style/style.hpp"

namespace {

using namespace cartelier;
namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitMapFailed = 1;
constexpr int kExitProjectUnusable = 2;

constexpr const char* kExitStatusHelp =
    "Exit status: 0 every map built or up to date (check: the project is valid); 1 at least one map failed "
    "(check: at least one error); 2 the project itself is unusable (unreadable or invalid project file, unknown "
    "--map, bad --shard or option); 128+N interrupted by signal N (130 SIGINT, 143 SIGTERM).";

/// The diagnostics, a line each, in one write: std::cerr is unbuffered, and an atlas's pages may give
/// thousands of warnings (two system calls each, written one by one).
void write_error_text(const std::string& text) {
    if (text.empty()) return;
    std::cerr.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::cerr.flush();
}

void print_diagnostics(const Diagnostics& d) {
    std::string text;
    for (const auto& item : d.items()) {
        text += item.format();
        text += '\n';
    }
    write_error_text(text);
}

struct Selection {
    std::string project_path = "cartelier.yaml";
    std::vector<std::string> maps;
    std::string out_dir = "out";
    std::string shard;
    bool strict = false;  ///< --strict (build, check)
};

std::optional<pipeline::Project> load_or_report(const std::string& path) {
    try {
        return pipeline::load_project(path);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        std::cerr << fmt::format("cartelier: the project {} is unusable; nothing was done\n", path);
        return std::nullopt;
    }
}

/// --map and --shard into build options; nullopt (after printing why) when unusable.
std::optional<pipeline::BuildOptions> options_for(const Selection& sel) {
    pipeline::BuildOptions options;
    options.maps = sel.maps;
    options.out_dir = sel.out_dir;
    options.strict = sel.strict;
    if (!sel.shard.empty()) {
        try {
            options.shard = pipeline::parse_shard(sel.shard);
        } catch (const Error& e) {
            print_diagnostics(e.diagnostics());
            return std::nullopt;
        }
    }
    return options;
}

int run_build_command(const Selection& sel, bool force, unsigned jobs) {
    auto project = load_or_report(sel.project_path);
    if (!project) return kExitProjectUnusable;
    auto options = options_for(sel);
    if (!options) return kExitProjectUnusable;
    options->force = force;
    options->jobs = jobs;
    options->date = pipeline::source_date_epoch();
    pipeline::install_interrupt_handlers();
    pipeline::BuildOutcome outcome;
    try {
        outcome = pipeline::run_build(*project, *options);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        return kExitProjectUnusable;
    }
    DiagnosticPrinter printer(std::cerr);
    printer.print(outcome.warnings);
    // The pages of an atlas found up to date are told in one line per atlas (a series of thousands of
    // pages would print thousands), unless only one is; those built or failed each in their own.
    auto pages = pipeline::atlas_pages_up_to_date(outcome.maps);  // atlas id → (up to date, all)
    const auto& atlas_of = pipeline::atlas_of_page;
    for (const auto& m : outcome.maps) {
        printer.print(m.diagnostics);
        std::vector<std::string> files;
        for (const auto& o : m.outputs) files.push_back(fmt::format("{} ({:.1f} kB)", o.path, o.bytes / 1024.0));
        switch (m.status) {
            case pipeline::MapStatus::Built:
                if (m.scale_denominator == 0 && m.frame_scales.empty()) {  // an atlas's series PDF, assembled
                    std::cout << fmt::format("built {:<10} {:.2f} s  series PDF assembled  → {}\n", m.id, m.seconds,
                                             fmt::join(files, ", "));
                    std::cout << fmt::format("      because: {}\n", fmt::join(m.reasons, "; "));
                    break;
                }
                std::cout << fmt::format("built {:<10} {:.2f} s  1:{:.0f}  labels {} placed, {} displaced, {}{} unplaced  → {}\n",
                                         m.id, m.seconds, m.scale_denominator, m.labels.placed, m.labels.displaced,
                                         m.labels.numbered ? fmt::format("{} numbered, ", m.labels.numbered) : "",
                                         m.labels.unplaced, fmt::join(files, ", "));
                std::cout << fmt::format("      because: {}\n", fmt::join(m.reasons, "; "));
                if (!m.removed.empty())
                    std::cout << fmt::format("      removed, no longer produced: {}\n", fmt::join(m.removed, ", "));
                break;
            case pipeline::MapStatus::UpToDate:
                if (const std::string atlas = atlas_of(m.id); !atlas.empty() && pages[atlas].first > 1) break;
                std::cout << fmt::format("up to date {:<10} → {}\n", m.id, fmt::join(files, ", "));
                break;
            case pipeline::MapStatus::Failed:
                std::cout << fmt::format("FAILED {:<10} {} error(s); previous outputs kept\n", m.id,
                                         m.diagnostics.error_count());
                break;
            case pipeline::MapStatus::Interrupted:
                std::cout << fmt::format("interrupted {:<10} not written; previous outputs kept\n", m.id);
                break;
        }
    }
    for (const auto& [atlas, counts] : pages)
        if (counts.first > 1)
            std::cout << fmt::format("up to date {:<10} {} of its {} pages → {}/\n", atlas + "/…", counts.first, counts.second,
                                     (std::filesystem::path(options->out_dir) / atlas).string());
    if (outcome.stale_temp_files_removed)
        std::cout << fmt::format("removed {} temporary file(s) left by an interrupted build\n",
                                 outcome.stale_temp_files_removed);
    std::string report;
    try {
        report = pipeline::write_report(*project, *options, outcome);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
    }
    printer.note_repeats("every map's own list is in the build report");
    std::cout << pipeline::summary_line(outcome);
    if (!report.empty()) std::cout << fmt::format("; report: {}", report);
    std::cout << '\n';
    if (outcome.interrupted_by)
        std::cerr << fmt::format("cartelier: interrupted by signal {}; maps not finished keep their previous outputs\n",
                                 outcome.interrupted_by);
    return outcome.exit_code();
}

/// Everything `build` would reject, without rendering: the project, then build's prepare stage for each
/// selected map (pipeline::run_check), and the output folder.
int run_check_command(const Selection& sel, bool verbose, unsigned jobs) {
    auto project = load_or_report(sel.project_path);
    if (!project) return kExitProjectUnusable;
    auto options = options_for(sel);
    if (!options) return kExitProjectUnusable;
    options->jobs = jobs;
    pipeline::CheckOutcome outcome;
    try {
        outcome = pipeline::run_check(*project, *options);
    } catch (const Error& e) {  // an unknown --map
        print_diagnostics(e.diagnostics());
        return kExitProjectUnusable;
    }
    for (const auto& [id, d] : outcome.maps)
        std::cout << fmt::format("{:<12} {}\n", id,
                                 d.has_errors() ? fmt::format("{} error(s)", d.error_count()) : std::string("ok"));
    const Diagnostics& all = outcome.all;
    DiagnosticPrinter printer(std::cerr);
    printer.print(all);
    printer.note_repeats("each map's count is in its line above");
    if (verbose) std::cout << pipeline::describe_column_types(*project);
    if (all.has_errors()) {
        std::cout << fmt::format("{} error(s)\n", all.error_count());
        return kExitMapFailed;
    }
    std::cout << fmt::format("project {} is valid: {} map(s) checked, {} layer(s)\n", sel.project_path, outcome.maps.size(),
                             project->layers.size());
    return kExitOk;
}

/// Each selected map: up to date, or stale and why (the inputs that changed).
int run_list_command(const Selection& sel) {
    auto project = load_or_report(sel.project_path);
    if (!project) return kExitProjectUnusable;
    auto options = options_for(sel);
    if (!options) return kExitProjectUnusable;
    try {
        pipeline::InputContext inputs(*project, pipeline::source_date_epoch());
        // An atlas is listed page by page (its coverage layer read, from the prepared cache when it is there).
        pipeline::LayerStore store(*project, pipeline::prepared_dir(options->out_dir));
        store.use_digests(inputs.digests());
        pipeline::AtlasSelection selection =
            pipeline::select_with_pages(*project, *options, store);
        for (const auto& [atlas, failure] : selection.failed) {
            print_diagnostics(failure);
            std::cout << fmt::format("{:<12} its pages cannot be made (see above)\n", atlas->id);
        }
        print_diagnostics(selection.warnings);
        const std::vector<pipeline::MapPlan> plans = pipeline::plan_maps(*project, selection.maps, *options, inputs);
        for (const auto& plan : plans) {
            if (plan.reasons.empty())
                std::cout << fmt::format("{:<12} up to date (built {})\n", plan.map->id,
                                         pipeline::iso_date(plan.previous->date));
            else
                std::cout << fmt::format("{:<12} stale: {}\n", plan.map->id, fmt::join(plan.reasons, "; "));
        }
        // Each atlas's series PDF, which `build` assembles once every page is built or up to date.
        for (const auto& s : pipeline::series_status(selection, plans, *options, project->root)) {
            if (s.stale_pages)
                std::cout << fmt::format("{:<12} series stale: {} of its {} pages to build first → {}\n", s.atlas->id,
                                         s.stale_pages, s.pages, s.file);
            else if (!s.reason.empty())
                std::cout << fmt::format("{:<12} series stale: {} → {}\n", s.atlas->id, s.reason, s.file);
            else
                std::cout << fmt::format("{:<12} series up to date, its {} pages → {}\n", s.atlas->id, s.pages, s.file);
        }
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        return kExitProjectUnusable;
    }
    return kExitOk;
}

/// One layer as a vector file: 2 when the request cannot be carried out (no such layer, an unknown
/// extension, no folder for the file, an unknown CRS), 1 when the layer cannot be loaded or written.
int run_export_command(const std::string& project_path, const pipeline::ExportRequest& request) {
    auto project = load_or_report(project_path);
    if (!project) return kExitProjectUnusable;
    try {
        pipeline::check_export(*project, request);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        std::cerr << "cartelier: nothing was exported\n";
        return kExitProjectUnusable;
    }
    pipeline::ExportOutcome outcome;
    try {
        outcome = pipeline::export_layer(*project, request);
    } catch (const Error& e) {
        print_diagnostics(e.diagnostics());
        std::cerr << fmt::format("cartelier: layer '{}' was not exported; {} is unchanged\n", request.layer,
                                 request.file.string());
        return kExitMapFailed;
    }
    print_diagnostics(outcome.warnings);
    std::vector<std::string> files;
    for (const auto& f : outcome.files) files.push_back(f.string());
    std::cout << fmt::format("exported {} ({} feature(s), {}) → {}\n", request.layer, outcome.features,
                             outcome.crs.size() > 40 ? std::string("its CRS") : outcome.crs, fmt::join(files, ", "));
    return kExitOk;
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

void add_selection(CLI::App* cmd, Selection& sel, bool with_out) {
    cmd->add_option("--project,-p", sel.project_path, "Project file")->capture_default_str();
    cmd->add_option("--map,-m", sel.maps, "Map id (repeatable); default: every map");
    if (with_out) cmd->add_option("--out,-o", sel.out_dir, "Output folder (ID.pdf, ID.png…)")->capture_default_str();
    cmd->add_option("--shard", sel.shard,
                    "Only the K-th of N shares of the maps (K/N, 1-based): maps sorted by id, dealt round-robin");
}

/// When the command line names a command that does not exist (`cartelier biuld`, `cartelier style evl`):
/// "unknown command 'biuld'" with the nearest command, or the list of commands; nothing when every word
/// in command position is a known command (CLI11's own message is right then).
std::optional<Diagnostic> unknown_command(const CLI::App& app, int argc, char** argv) {
    const CLI::App* level = &app;
    for (int i = 1; i < argc && level->get_require_subcommand_min() > 0; ++i) {
        const std::string word = argv[i];
        if (word.empty() || word[0] == '-') continue;  // the program's own flags (--help, --version)
        std::vector<std::string> names;
        const CLI::App* next = nullptr;
        for (const CLI::App* sub : level->get_subcommands([](const CLI::App*) { return true; })) {
            names.push_back(sub->get_name());
            if (sub->check_name(word)) next = sub;
        }
        if (next) {
            level = next;
            continue;
        }
        return Diagnostic{Severity::Error, {}, fmt::format("unknown command '{}'", word),
                          suggest_name(word, names, {"expected one of: ", ""})};
    }
    return std::nullopt;
}

/// `cartelier serve`: the preview session renders on one thread, the HTTP server answers on its own;
/// Ctrl-C stops both (exit 0). An unknown --map or an address that cannot be bound: exit 2.
int run_serve_command(serve::PreviewOptions preview, const serve::ServerOptions& server_options) {
    pipeline::install_interrupt_handlers();
    preview.log = [](const std::string& line) {
        std::cout << line << '\n';
        std::cout.flush();
    };
    serve::PreviewSession session(preview);
    try {
        if (!session.start()) {
            const Diagnostics problems = session.problems();
            for (const auto& d : problems.items()) std::cerr << d.format() << '\n';
            std::cerr << "cartelier serve: the project file is unusable; fix it and save: the pages follow\n";
        }
    } catch (const Error& e) {
        for (const auto& d : e.diagnostics().items()) std::cerr << d.format() << '\n';
        return kExitProjectUnusable;
    }
    serve::Server server(session, server_options);
    try {
        server.bind();
    } catch (const Error& e) {
        for (const auto& d : e.diagnostics().items()) std::cerr << d.format() << '\n';
        return kExitProjectUnusable;
    }
    std::cout << fmt::format("cartelier serve: {} ({} map(s)); Ctrl-C stops\n", server.url(), session.map_ids().size());
    std::cout.flush();
    std::thread renderer([&] { session.run(); });
    std::thread listener([&] { server.listen(); });
    while (pipeline::interrupt_signal() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    session.stop();
    server.stop();
    listener.join();
    renderer.join();
    std::cout << "cartelier serve: stopped\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    cartelier::configure_allocator();
    CLI::App app{std::string("Cartelier — print maps (PDF, PNG, SVG) from GIS layers and MapLibre styles, in batch.\n") +
                 kExitStatusHelp};
    app.set_version_flag("--version", std::string("cartelier ") + CARTELIER_VERSION + " (allocator: " +
                                          cartelier::allocator_name() + ")");
    app.require_subcommand(1);

    Selection sel;
    bool force = false;
    unsigned jobs = 0;
    auto* build_cmd = app.add_subcommand(
        "build",
        std::string("Render the maps of the project (every map, or those named with --map) that are not up to date.\n"
                    "A map is rebuilt when its data files, style, section of the project file, fonts, the program "
                    "or SOURCE_DATE_EPOCH changed, or its outputs are missing or were modified; state in "
                    "OUT/.cartelier/, report in OUT/build-report.json.\n") +
            kExitStatusHelp);
    add_selection(build_cmd, sel, true);
    build_cmd->add_flag("--force,-f", force, "Rebuild every selected map, even those up to date");
    build_cmd->add_flag("--strict", sel.strict,
                        "Every warning of a map is an error: the map fails and keeps its previous outputs (as the "
                        "project key `strict: true`)");
    build_cmd->add_option("--jobs,-j", jobs, "Maps and formats rendered in parallel (default: the number of cores)")
        ->check(CLI::Range(1u, 1024u));

    auto* check_cmd = app.add_subcommand(
        "check", std::string("Validate the project, its styles, data (joins, checks, reprojection) and fonts without "
                             "rendering.\n") + kExitStatusHelp);
    add_selection(check_cmd, sel, true);
    bool verbose = false;
    check_cmd->add_flag("--verbose,-v", verbose, "Also print the type of every column of the CSV tables (declared or "
                                                 "inferred: what [\"get\", column] gives the styles)");
    check_cmd->add_flag("--strict", sel.strict, "Every warning of a map is an error (as the project key `strict: true`)");
    check_cmd->add_option("--jobs,-j", jobs, "Maps checked in parallel (default: the number of cores)")
        ->check(CLI::Range(1u, 1024u));

    auto* list_cmd = app.add_subcommand(
        "list", "Print each map with its status: up to date, or stale and why (which input changed).");
    add_selection(list_cmd, sel, true);

    bool watch_all_formats = false;
    auto* watch_cmd = app.add_subcommand(
        "watch", "Re-render maps (PNG preview) each time their style, the project file or a data file they use is "
                 "saved; prints the time taken; a broken style shows its errors and keeps the last good output. "
                 "Stops on Ctrl-C.");
    watch_cmd->add_option("--project,-p", sel.project_path, "Project file")->capture_default_str();
    watch_cmd->add_option("--map,-m", sel.maps, "Map id (repeatable); default: every map");
    watch_cmd->add_option("--out,-o", sel.out_dir, "Output folder")->capture_default_str();
    watch_cmd->add_flag("--all-formats", watch_all_formats, "Write every format of the map, not only the PNG preview");

    std::string serve_host = "127.0.0.1";
    int serve_port = 8080;
    std::vector<std::string> serve_allowed_hosts;
    auto* serve_cmd = app.add_subcommand(
        "serve", "Preview the maps in the browser: serves an index of the maps and one page per map, rendered as "
                 "`build` renders its PNG, rendered again and pushed to every open page each time the style, the "
                 "project file or a data file the map uses is saved; a broken file shows its errors over the last "
                 "good image; clicking the map inspects the features under the cursor. Writes no map. Stops on "
                 "Ctrl-C.");
    serve_cmd->add_option("--project,-p", sel.project_path, "Project file")->capture_default_str();
    serve_cmd->add_option("--map,-m", sel.maps, "Map id (repeatable; ATLAS/PAGE for one page of an atlas); default: every map");
    serve_cmd->add_option("--out,-o", sel.out_dir, "Output folder (only its prepared-layer cache is used)")->capture_default_str();
    serve_cmd->add_option("--port", serve_port, "Port (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
    serve_cmd->add_option("--host", serve_host,
                          "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface)")
        ->capture_default_str();
    serve_cmd->add_option("--allow-host", serve_allowed_hosts,
                          "Another host name the server answers to (behind a proxy); requests naming any other host "
                          "are refused (DNS rebinding)");

    std::string export_project = "cartelier.yaml";
    pipeline::ExportRequest export_request;
    std::string export_file;
    auto* export_cmd = app.add_subcommand(
        "export",
        std::string("Write a layer of the project, after its joins and steps, as a vector file for GIS software; "
                    "the format from the extension: .geojson, .gpkg (GeoPackage), .shp (shapefile) or .csv (the "
                    "geometry as WKT). The file is replaced only once the new one is complete.\n") +
            "Exit status: 0 written; 1 the layer could not be loaded or written (the file is unchanged); 2 the "
            "project is unusable, or no such layer, an unknown extension or CRS, no folder for the file.");
    export_cmd->add_option("layer", export_request.layer, "The project's layer")->required();
    export_cmd->add_option("--output,-o", export_file, "The file to write (.geojson, .gpkg, .shp, .csv)")->required();
    export_cmd->add_option("--crs", export_request.crs,
                           "Reproject into this CRS (EPSG:2154, EPSG:4326, WKT…); default: the layer's own");
    export_cmd->add_option("--project,-p", export_project, "Project file")->capture_default_str();

    auto* style_cmd = app.add_subcommand("style", "Style tools.");
    style_cmd->require_subcommand(1);
    std::string expression;
    auto* eval_cmd = style_cmd->add_subcommand(
        "eval", "Evaluate a style expression for features read as JSON lines on standard input\n"
                "({\"properties\": {...}, \"id\": ..., \"geometry\": {\"type\": \"Point\"}, \"zoom\": 5});\n"
                "prints one JSON result per line; compile errors exit with status 1.\n"
                "With --cases, no expression: each input line is {\"expression\": ..., \"inputs\": [feature, ...]}\n"
                "and each output line {\"results\": [...]} or {\"compile_error\": \"...\"}.");
    bool eval_cases = false;
    auto* expression_opt = eval_cmd->add_option("expression", expression, "Expression, as JSON");
    eval_cmd->add_flag("--cases", eval_cases, "Read one expression and its inputs per line (many cases, one process)")
        ->excludes(expression_opt);
    eval_cmd->require_option(1);
    std::string convert_input, convert_output;
    auto* convert_cmd = style_cmd->add_subcommand("convert", "Write the JSON equivalent of a (YAML or JSON) style.");
    convert_cmd->add_option("style", convert_input, "Style file (.yaml, .yml or .json)")->required()->check(CLI::ExistingFile);
    convert_cmd->add_option("--output,-o", convert_output, "Output file (default: standard output)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (auto unknown = unknown_command(app, argc, argv); unknown && e.get_exit_code() != 0) {
            std::cerr << unknown->format() << "\nRun with --help for more information.\n";
            return kExitProjectUnusable;
        }
        int status = app.exit(e);
        return status == 0 ? 0 : kExitProjectUnusable;
    }

    if (*build_cmd) return run_build_command(sel, force, jobs);
    if (*check_cmd) return run_check_command(sel, verbose, jobs);
    if (*watch_cmd) {
        pipeline::install_interrupt_handlers();
        std::atomic<bool> stop{false};
        std::thread stopper([&] {
            while (!stop.load() && pipeline::interrupt_signal() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            stop = true;
        });
        pipeline::WatchOptions options;
        options.project_path = sel.project_path;
        options.maps = sel.maps;
        options.out_dir = sel.out_dir;
        options.all_formats = watch_all_formats;
        int status = 0;
        try {
            status = pipeline::run_watch(options, std::cout, std::cerr, stop);
        } catch (const Error& e) {
            for (const auto& d : e.diagnostics().items()) std::cerr << d.format() << '\n';
            status = kExitProjectUnusable;
        }
        stop = true;
        stopper.join();
        return status;
    }
    if (*serve_cmd) {
        serve::PreviewOptions preview;
        preview.project_path = sel.project_path;
        preview.maps = sel.maps;
        preview.out_dir = sel.out_dir;
        serve::ServerOptions server_options;
        server_options.host = serve_host;
        server_options.port = serve_port;
        server_options.allowed_hosts = serve_allowed_hosts;
        return run_serve_command(preview, server_options);
    }
    if (*list_cmd) return run_list_command(sel);
    if (*export_cmd) {
        export_request.file = export_file;
        return run_export_command(export_project, export_request);
    }
    if (*eval_cmd) {
        if (eval_cases) return style::expr::run_style_eval_cases(std::cin, std::cout);
        return style::expr::run_style_eval(expression, std::cin, std::cout, std::cerr);
    }
    if (*convert_cmd) return run_convert_command(convert_input, convert_output);
    return kExitProjectUnusable;
}
