// replay_main.cpp: runs a fuzz target's inputs once each, without libFuzzer (see fuzz_target.h).
//   fuzz_replay_<target> PATH...          every file of each directory PATH (or the file PATH),
//                                          then the target's generated seeds
//   fuzz_replay_<target> --write-seeds DIR  writes the generated seeds into DIR (for the fuzzer)
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "fuzz_target.h"

namespace {

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> list_inputs(const std::string &path) {
    struct stat info {};
    if (stat(path.c_str(), &info) != 0) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(2);
    }
    if (!S_ISDIR(info.st_mode)) return {path};
    std::vector<std::string> files;
    if (DIR *dir = opendir(path.c_str())) {
        while (const dirent *entry = readdir(dir)) {
            const std::string name = entry->d_name;
            if (name == "." || name == "..") continue;
            files.push_back(path + "/" + name);
        }
        closedir(dir);
    }
    std::sort(files.begin(), files.end());
    return files;
}

void run(const std::string &input) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(input.data()), input.size());
}

} // namespace

int main(int argc, char **argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    if (argc == 3 && std::string(argv[1]) == "--write-seeds") {
        const std::vector<std::string> seeds = fuzz_generated_seeds();
        for (size_t i = 0; i < seeds.size(); ++i) {
            std::ofstream out(std::string(argv[2]) + "/generated-" + std::to_string(i),
                              std::ios::binary);
            out << seeds[i];
        }
        std::printf("wrote %zu generated seeds to %s\n", seeds.size(), argv[2]);
        return 0;
    }
    size_t count = 0;
    for (int a = 1; a < argc; ++a) {
        for (const std::string &file : list_inputs(argv[a])) {
            run(read_file(file));
            ++count;
        }
    }
    const std::vector<std::string> seeds = fuzz_generated_seeds();
    for (const std::string &seed : seeds) run(seed);
    std::printf("replayed %zu corpus inputs and %zu generated seeds: no oracle failed\n", count,
                seeds.size());
    return count > 0 ? 0 : 1;
}
