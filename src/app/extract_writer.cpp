#include "app/extract_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "core/hash.hpp"

namespace fwscan {
namespace {

constexpr std::size_t kMaxComponent = 255;
constexpr std::size_t kMaxDepthComponents = 256;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept { std::swap(fd_, o.fd_); return *this; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

class SafeWriter {
 public:
  explicit SafeWriter(int root_fd) : root_(root_fd) {}

  // Opens (creating as needed) the directory at `parts`, never following links.
  Result<Fd> open_dir(const std::vector<std::string>& parts) {
    Fd cur(::dup(root_));
    for (const auto& p : parts) {
      if (::mkdirat(cur.get(), p.c_str(), 0755) != 0 && errno != EEXIST) {
        return make_error(Errc::kIo, "mkdir " + p + ": " + std::strerror(errno));
      }
      Fd next(::openat(cur.get(), p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next.ok()) return make_error(Errc::kIo, "open dir " + p + ": " + std::strerror(errno));
      cur = std::move(next);
    }
    return cur;
  }

  // The blob's data extents are written; its holes stay holes of the file (never read).
  Status write_file(const std::vector<std::string>& dir, const std::string& name, const Blob& blob) {
    FWSCAN_ASSIGN_OR_RETURN(Fd d, open_dir(dir));
    Fd f(::openat(d.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!f.ok()) return make_error(Errc::kIo, "create " + name + ": " + std::strerror(errno));
    const ByteView bytes = blob.bytes();
    for (const Extent& e : blob.data_extents()) {
      std::uint64_t pos = e.offset;
      while (pos < e.offset + e.size) {
        const ssize_t n = ::pwrite(f.get(), bytes.data() + pos, static_cast<std::size_t>(e.offset + e.size - pos), static_cast<off_t>(pos));
        if (n < 0) {
          if (errno == EINTR) continue;
          return make_error(Errc::kIo, "write " + name + ": " + std::strerror(errno));
        }
        pos += static_cast<std::uint64_t>(n);
      }
    }
    if (::ftruncate(f.get(), static_cast<off_t>(bytes.size())) != 0) {
      return make_error(Errc::kIo, "write " + name + ": " + std::strerror(errno));
    }
    return {};
  }

 private:
  int root_;
};

std::vector<std::string> join(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

Result<std::vector<std::string>> safe_components(std::string_view entry) {
  if (entry.empty()) return make_error(Errc::kMalformed, "empty path");
  if (entry.find('\0') != std::string_view::npos) return make_error(Errc::kMalformed, "path contains NUL");
  if (entry.front() == '/' || entry.front() == '\\') return make_error(Errc::kMalformed, "absolute path refused");
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= entry.size()) {
    auto next = entry.find_first_of("/\\", pos);
    if (next == std::string_view::npos) next = entry.size();
    std::string part(entry.substr(pos, next - pos));
    pos = next + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return make_error(Errc::kMalformed, "'..' component refused");
    if (part.size() > kMaxComponent) return make_error(Errc::kMalformed, "path component longer than 255 bytes");
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return make_error(Errc::kMalformed, "path has no name");
  if (parts.size() > kMaxDepthComponents) return make_error(Errc::kMalformed, "path too deep");
  return parts;
}

Result<std::unique_ptr<ExtractionWriter>> ExtractionWriter::open(const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const int fd = ::open(out_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::kIo, "cannot open output folder " + out_dir.string() + ": " + std::strerror(errno));
  return std::unique_ptr<ExtractionWriter>(new ExtractionWriter(fd));
}

ExtractionWriter::ExtractionWriter(int root_fd) : root_fd_(root_fd) {}
ExtractionWriter::~ExtractionWriter() { ::close(root_fd_); }

void ExtractionWriter::write(ExtractionTree& tree, const std::vector<NodeId>& ids) {
  std::vector<NodeId> order(ids);
  std::sort(order.begin(), order.end());
  for (NodeId id : order) write_node(tree, id);
}

void ExtractionWriter::write_all(ExtractionTree& tree) {
  for (std::size_t i = 0; i < tree.size(); ++i) write_node(tree, static_cast<NodeId>(i));
}

void ExtractionWriter::write_node(ExtractionTree& tree, NodeId id) {
  if (!written_.insert(id).second) return;
  SafeWriter w(root_fd_);
  Node& n = tree.at(id);
  auto refuse = [&](DiagCode code, const std::string& message) {
    n.diagnostics.push_back({Severity::kWarning, code, message, "extract", std::nullopt});
    ++stats_.refused;
  };
  if (n.kind == NodeKind::kRoot) {
    auto parts = safe_components(n.step.entry);
    node_dir_[n.id] = {parts ? parts->back() + ".extracted" : std::string("input.extracted")};
    return;
  }
  const Node& parent = tree.at(*n.parent);
  auto pdir = node_dir_.find(parent.id);
  if (pdir == node_dir_.end()) return;  // parent was refused
  if (n.kind == NodeKind::kChunk) {
    node_dir_[n.id] = join(pdir->second, {step_text(n.step.handler, n.step.offset)});
    return;
  }
  // Entry: lives in its chunk's folder. A chunk node is that folder already; a node
  // identified as a whole gets "<handler>@0x0".
  std::vector<std::string> chunk_dir = pdir->second;
  if (parent.kind != NodeKind::kChunk) chunk_dir.push_back(step_text(n.step.handler, 0));
  auto parts = safe_components(n.step.entry);
  if (!parts) {
    refuse(DiagCode::kPathRefused, "entry '" + n.step.entry + "' not written: " + parts.error().message);
    return;
  }
  std::vector<std::string> dir = chunk_dir;
  dir.insert(dir.end(), parts->begin(), parts->end() - 1);
  const std::string leaf = parts->back();
  switch (n.meta.kind) {
    case EntryKind::kDirectory: {
      auto d = w.open_dir(join(dir, {leaf}));
      if (!d) refuse(DiagCode::kWriteFailed, d.error().message);
      else ++stats_.directories;
      break;
    }
    case EntryKind::kFile: {
      auto s = w.write_file(dir, leaf, n.data);
      if (!s) {
        refuse(DiagCode::kWriteFailed, s.error().message);
        return;
      }
      ++stats_.files;
      node_dir_[n.id] = join(dir, {leaf + ".extracted"});
      break;
    }
    default:
      n.diagnostics.push_back({Severity::kInfo, DiagCode::kNotCreated,
                               std::string(entry_kind_name(n.meta.kind)) + " '" + n.step.entry + "'" +
                                   (n.meta.link_target.empty() ? "" : " -> '" + n.meta.link_target + "'") +
                                   " recorded, not created",
                               "extract", std::nullopt});
      ++stats_.not_created;
      break;
  }
}

Result<ExtractStats> write_extraction(ExtractionTree& tree, const std::filesystem::path& out_dir) {
  FWSCAN_ASSIGN_OR_RETURN(auto writer, ExtractionWriter::open(out_dir));
  writer->write_all(tree);
  return writer->stats();
}

}  // namespace fwscan
