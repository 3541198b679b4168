// Stand-alone `style eval` driver for the cross-check, used while `cartelier style eval` is not wired in the
// CLI (same function: style::expr::run_style_eval). Usage: style_eval_driver style eval '<expression JSON>'
#include <iostream>
#include <string>

#include "style/expression/eval_tool.hpp"

int main(int argc, char** argv) {
    if (argc != 4 || std::string(argv[1]) != "style" || std::string(argv[2]) != "eval") {
        std::cerr << "usage: " << argv[0] << " style eval '<expression JSON>'\n";
        return 2;
    }
    return cartelier::style::expr::run_style_eval(argv[3], std::cin, std::cout, std::cerr);
}
