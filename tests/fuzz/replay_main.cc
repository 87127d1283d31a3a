// replay_main.cc: runs a libFuzzer target over files, so make check replays
// every seed with any compiler.  With no arguments it replays
// $top_srcdir/tests/fuzz/corpus/NAME, NAME taken from the program name fuzz_NAME.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int replay_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: unable to read %s\n", path.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return 0;
}

int replay_path(const std::string& path, int& count) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "replay: no such file %s\n", path.c_str());
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    ++count;
    return replay_file(path);
  }
  DIR* d = opendir(path.c_str());
  if (!d) return 1;
  int bad = 0;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    bad += replay_path(path + "/" + name, count);
  }
  closedir(d);
  return bad;
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  if (paths.empty()) {
    std::string self = argv[0];
    auto slash = self.rfind('/');
    if (slash != std::string::npos) self = self.substr(slash + 1);
    if (self.rfind("lt-", 0) == 0) self = self.substr(3);
    if (self.rfind("fuzz_", 0) == 0) self = self.substr(5);
    const char* top = std::getenv("top_srcdir");
    paths.push_back(std::string(top ? top : ".") + "/tests/fuzz/corpus/" + self);
  }
  int count = 0, bad = 0;
  for (const auto& p : paths) bad += replay_path(p, count);
  std::printf("replayed %d inputs\n", count);
  if (count == 0) {
    std::fprintf(stderr, "replay: no seeds found\n");
    return 1;
  }
  return bad == 0 ? 0 : 1;
}
