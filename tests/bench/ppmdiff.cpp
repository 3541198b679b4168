// ppmdiff A.ppm B.ppm [threshold]: share of pixels whose channels differ by more than `threshold`
// (0-255, default 32) between two binary PPM/PGM images of the same size. Used by scripts/bench.sh to
// compare a PDF rasterised at 600 dpi with a full-resolution rendering.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {
struct Image {
    int width = 0, height = 0, channels = 0;
    std::vector<unsigned char> pixels;
};

bool read_pnm(const char* path, Image& img) {
    std::ifstream in(path, std::ios::binary);
    std::string magic;
    int maxval = 0;
    if (!(in >> magic >> img.width >> img.height >> maxval) || maxval != 255) return false;
    in.get();
    img.channels = magic == "P6" ? 3 : magic == "P5" ? 1 : 0;
    if (!img.channels) return false;
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height * img.channels);
    return static_cast<bool>(in.read(reinterpret_cast<char*>(img.pixels.data()), img.pixels.size()));
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: ppmdiff A.ppm B.ppm [threshold]\n";
        return 2;
    }
    Image a, b;
    if (!read_pnm(argv[1], a) || !read_pnm(argv[2], b) || a.width != b.width || a.height != b.height ||
        a.channels != b.channels) {
        std::cerr << "ppmdiff: cannot read, or images differ in size\n";
        return 2;
    }
    const int threshold = argc > 3 ? std::atoi(argv[3]) : 32;
    std::size_t differ = 0, total = static_cast<std::size_t>(a.width) * a.height;
    for (std::size_t i = 0; i < total; ++i) {
        for (int c = 0; c < a.channels; ++c) {
            int d = int(a.pixels[i * a.channels + c]) - int(b.pixels[i * a.channels + c]);
            if (d > threshold || -d > threshold) {
                ++differ;
                break;
            }
        }
    }
    std::printf("%zu %zu %.4f\n", differ, total, 100.0 * double(differ) / double(total));
    return 0;
}
