// Flattened device trees and FIT images (U-Boot doc/uImage.FIT/source_file_format.txt; the
// devicetree specification, "Flattened Devicetree (DTB) Format"), read through libfdt.
// Header (big-endian): magic d00dfeed, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap,
// version, ... libfdt's fdt_check_full() validates the whole structure block before any use.
// A FIT is a tree with an /images node: every image subnode holds its bytes in "data", or outside
// the tree at "data-offset" (after the tree, 4-byte aligned) or "data-position" (from the FIT
// start), both with "data-size". Hash subnodes ("hash-1", "hash@1": algo crc32/md5/sha1/sha256/
// sha384/sha512, value) are verified against the stored (possibly compressed) bytes. A plain DTB
// is identified and its model/compatible reported.
#include <libfdt.h>

#include <algorithm>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"d0 0d fe ed"}};
constexpr std::string_view kRefs[] = {"U-Boot doc/uImage.FIT/source_file_format.txt", "Devicetree Specification 0.4, chapter 5 (DTB format)"};
constexpr std::string_view kLimits[] = {"FIT signatures (signature nodes) are reported, not verified: no public key"};
constexpr HandlerInfo kInfo{"fdt", Category::kFirmware, "Flattened device tree / U-Boot FIT image", kMagics, kRefs, kLimits};
constexpr std::uint32_t kMaxTree = 64U << 20;
constexpr int kMaxImages = 4096;

std::string prop_string(const void* fdt, int node, const char* name) {
  int len = 0;
  const auto* p = static_cast<const char*>(fdt_getprop(fdt, node, name, &len));
  if (p == nullptr || len <= 0) return {};
  return std::string(p, strnlen(p, static_cast<std::size_t>(len)));
}

std::optional<std::uint64_t> prop_u32(const void* fdt, int node, const char* name) {
  int len = 0;
  const void* p = fdt_getprop(fdt, node, name, &len);
  if (p == nullptr || len != 4) return std::nullopt;
  return load_be32({static_cast<const std::uint8_t*>(p), 4}, 0);
}

struct Image {
  std::string name, type, compression, description;
  std::uint64_t offset = 0, size = 0;  // in the chunk
  bool external = false;
};

struct Parsed {
  std::uint32_t tree_size = 0;
  std::uint64_t end = 0;  // tree plus external data
  bool fit = false;
  std::vector<Image> images;
  std::string description;
};

// nullopt: not a sound device tree.
std::optional<Parsed> parse(ByteView v) {
  auto magic = load_be32(v, 0), total = load_be32(v, 4);
  if (!magic || *magic != FDT_MAGIC || !total || *total < 40 || *total > kMaxTree || *total > v.size()) return std::nullopt;
  const void* fdt = v.data();
  if (fdt_check_full(fdt, *total) != 0) return std::nullopt;
  Parsed p;
  p.tree_size = *total;
  p.end = *total;
  const int images = fdt_path_offset(fdt, "/images");
  p.description = prop_string(fdt, 0, "description");
  if (images < 0) return p;
  p.fit = true;
  const std::uint64_t ext_base = align_up(*total, 4);
  int count = 0;
  int node = 0;
  fdt_for_each_subnode(node, fdt, images) {
    if (++count > kMaxImages) break;
    Image im;
    im.name = fdt_get_name(fdt, node, nullptr);
    im.type = prop_string(fdt, node, "type");
    im.compression = prop_string(fdt, node, "compression");
    im.description = prop_string(fdt, node, "description");
    int len = 0;
    const void* data = fdt_getprop(fdt, node, "data", &len);
    if (data != nullptr && len >= 0) {
      im.offset = static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(data) - v.data());
      im.size = static_cast<std::uint64_t>(len);
    } else if (auto size = prop_u32(fdt, node, "data-size")) {
      im.external = true;
      im.size = *size;
      if (auto off = prop_u32(fdt, node, "data-offset")) im.offset = ext_base + *off;
      else if (auto pos = prop_u32(fdt, node, "data-position")) im.offset = *pos;
      else continue;
      p.end = std::max(p.end, im.offset + im.size);
    } else {
      continue;
    }
    p.images.push_back(std::move(im));
  }
  return p;
}

class FdtHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto p = parse(at);
    if (!p) return std::nullopt;
    std::string d = p->fit ? "FIT image, " + std::to_string(p->images.size()) + " image(s)" : "device tree blob";
    if (!p->description.empty()) d += ", '" + p->description + "'";
    if (p->end > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", external data truncated"};
    return Chunk{start, p->end, Confidence::kHigh, d + ", " + human_size(p->end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    const ByteView v = chunk.bytes();
    auto p = parse(v);
    if (!p) return make_error(Errc::kMalformed, "device tree structure", 0);
    const void* fdt = v.data();
    Extraction ex;
    if (!p->description.empty()) ex.properties.emplace_back("description", p->description);
    if (!p->fit) {
      for (const char* name : {"model", "compatible"}) {
        const std::string s = prop_string(fdt, 0, name);
        if (!s.empty()) ex.properties.emplace_back(name, s);
      }
      return ex;
    }
    const int conf = fdt_path_offset(fdt, "/configurations");
    if (conf >= 0) {
      const std::string def = prop_string(fdt, conf, "default");
      if (!def.empty()) ex.properties.emplace_back("default_configuration", def);
    }
    const int images = fdt_path_offset(fdt, "/images");
    for (const Image& im : p->images) {
      if (!range_fits(im.offset, im.size, v.size())) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "image '" + im.name + "' runs past the data", "", im.offset});
        continue;
      }
      const ByteView data = v.subspan(im.offset, im.size);
      std::string summary = (im.type.empty() ? "image" : im.type) + (im.compression.empty() ? "" : ", " + im.compression) + ", " +
                            std::to_string(im.size) + " bytes" + (im.external ? " (external)" : "");
      // Verify every hash subnode.
      const int node = fdt_subnode_offset(fdt, images, im.name.c_str());
      int h = 0;
      fdt_for_each_subnode(h, fdt, node) {
        const std::string hname = fdt_get_name(fdt, h, nullptr);
        if (hname.rfind("hash", 0) != 0) {
          if (hname.rfind("signature", 0) == 0) summary += ", signed (" + prop_string(fdt, h, "algo") + ", not verified)";
          continue;
        }
        const std::string algo = prop_string(fdt, h, "algo");
        int len = 0;
        const auto* value = static_cast<const std::uint8_t*>(fdt_getprop(fdt, h, "value", &len));
        if (value == nullptr || len <= 0) continue;
        std::string want;
        for (int i = 0; i < len; ++i) want += hex_u32_fixed(value[i]).substr(8);
        std::string got;
        if (algo == "crc32") got = hex_u32_fixed(crc32_ieee(data)).substr(2);
        else got = digest_hex(data, algo);
        if (got.empty()) {
          summary += ", " + algo + " not checked";
        } else if (got == want) {
          summary += ", " + algo + " ok";
          ex.verified.push_back({im.offset, im.size});  // the image's bytes, as the hash covers them
        } else {
          summary += ", " + algo + " MISMATCH";
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "image '" + im.name + "': " + algo + " is " + got + ", the tree says " + want, "", im.offset});
        }
      }
      ex.properties.emplace_back("image " + im.name, summary);
      Child c;
      c.name = im.name;
      c.origin = ChildOrigin::kCarved;
      c.offset = im.offset;
      c.data = *chunk.slice(im.offset, im.size);
      ex.children.push_back(std::move(c));
    }
    ex.description = "FIT image, " + std::to_string(ex.children.size()) + " image(s)";
    return ex;
  }
};

}  // namespace

HandlerPtr make_fdt_handler() { return std::make_unique<FdtHandler>(); }

}  // namespace fwscan
