#include "elf/functions.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/reader.hpp"

namespace fwscan::elf {
namespace {

std::optional<std::uint64_t> uleb(Reader& r) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    auto b = r.u8();
    if (!b) return std::nullopt;
    v |= static_cast<std::uint64_t>(*b & 0x7F) << shift;
    if ((*b & 0x80) == 0) return v;
  }
  return std::nullopt;
}

std::optional<std::int64_t> sleb(Reader& r) {
  std::int64_t v = 0;
  int shift = 0;
  std::uint8_t b = 0x80;
  while ((b & 0x80) != 0 && shift < 64) {
    auto x = r.u8();
    if (!x) return std::nullopt;
    b = *x;
    v |= static_cast<std::int64_t>(b & 0x7F) << shift;
    shift += 7;
  }
  if (shift < 64 && (b & 0x40) != 0) v |= -(std::int64_t{1} << shift);
  return v;
}

// Reads a DW_EH_PE-encoded pointer at the reader's position; `field_va` is the field's address.
std::optional<std::uint64_t> read_encoded(Reader& r, std::uint8_t enc, std::uint64_t field_va, int ptr_size) {
  if (enc == 0xFF) return std::nullopt;  // omit
  std::optional<std::uint64_t> raw;
  switch (enc & 0x0F) {
    case 0x00: {
      if (ptr_size == 8) { auto v = r.u64(); if (v) raw = *v; }
      else { auto v = r.u32(); if (v) raw = *v; }
      break;
    }
    case 0x01: { auto v = uleb(r); if (v) raw = *v; break; }
    case 0x02: { auto v = r.u16(); if (v) raw = *v; break; }
    case 0x03: { auto v = r.u32(); if (v) raw = *v; break; }
    case 0x04: { auto v = r.u64(); if (v) raw = *v; break; }
    case 0x09: { auto v = sleb(r); if (v) raw = static_cast<std::uint64_t>(*v); break; }
    case 0x0A: { auto v = r.u16(); if (v) raw = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int16_t>(*v))); break; }
    case 0x0B: { auto v = r.u32(); if (v) raw = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(*v))); break; }
    case 0x0C: { auto v = r.u64(); if (v) raw = *v; break; }
    default: return std::nullopt;
  }
  if (!raw) return std::nullopt;
  if ((enc & 0x70) == 0x10) *raw += field_va;  // pcrel
  if (ptr_size == 4) *raw &= 0xFFFFFFFFULL;
  return raw;
}

void parse_eh_frame(const ElfImage& img, ByteView bytes, const SectionInfo& s, std::vector<std::uint64_t>& out) {
  auto data = subview(bytes, s.offset, s.size);
  if (!data) return;
  const Endian e = img.big_endian ? Endian::kBig : Endian::kLittle;
  const int ptr = img.bits / 8;
  std::map<std::uint64_t, std::uint8_t> cie_enc;
  std::uint64_t pos = 0;
  for (int guard = 0; guard < 1'000'000 && pos + 4 <= data->size(); ++guard) {
    Reader r(*data, e);
    if (!r.seek(pos)) return;
    auto len32 = r.u32();
    if (!len32 || *len32 == 0) return;
    std::uint64_t len = *len32;
    if (*len32 == 0xFFFFFFFFU) {
      auto l64 = r.u64();
      if (!l64) return;
      len = *l64;
    }
    const std::uint64_t body = r.offset();
    if (len > data->size() - body) return;
    const std::uint64_t next = body + len;
    auto id = r.u32();
    if (!id) return;
    if (*id == 0) {  // CIE
      std::uint8_t enc = 0;
      auto version = r.u8();
      auto aug = r.cstring(16);
      if (version && aug) {
        const std::string augs(*aug);
        bool ok = uleb(r).has_value() && sleb(r).has_value();
        if (ok) ok = (*version == 1 ? r.u8().has_value() : uleb(r).has_value());
        if (ok && !augs.empty() && augs[0] == 'z') {
          ok = uleb(r).has_value();
          for (std::size_t i = 1; ok && i < augs.size(); ++i) {
            if (augs[i] == 'R') { auto b = r.u8(); ok = b.has_value(); if (ok) enc = *b; }
            else if (augs[i] == 'L') { ok = r.u8().has_value(); }
            else if (augs[i] == 'P') {
              auto pe = r.u8();
              ok = pe.has_value() && read_encoded(r, *pe, s.addr + r.offset(), ptr).has_value();
            } else break;
          }
        }
        if (ok) cie_enc[pos] = enc;
      }
    } else {  // FDE
      const std::uint64_t cie_pos = (body >= *id) ? body - *id : ~0ULL;
      auto it = cie_enc.find(cie_pos);
      const std::uint8_t enc = it != cie_enc.end() ? it->second : 0;
      if (auto start = read_encoded(r, enc, s.addr + r.offset(), ptr); start && *start != 0) out.push_back(*start);
    }
    pos = next;
  }
}

void parse_arm_exidx(const ElfImage& img, ByteView bytes, const SectionInfo& s, std::vector<std::uint64_t>& out) {
  const Endian e = img.big_endian ? Endian::kBig : Endian::kLittle;
  for (std::uint64_t off = 0; off + 8 <= s.size; off += 8) {
    auto w = load_u32(bytes, s.offset + off, e);
    if (!w) return;
    const std::int64_t rel = static_cast<std::int64_t>(static_cast<std::int32_t>(*w << 1) >> 1);  // prel31
    out.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(s.addr + off) + rel) & 0xFFFFFFFFULL);
  }
}

bool in_code(const ElfImage& img, std::uint64_t va) {
  for (const auto& s : img.sections) {
    if (s.exec && s.alloc && va >= s.addr && va - s.addr < s.size) return true;
  }
  if (img.sections.empty()) {
    for (const auto& s : img.segments) {
      if (s.exec && va >= s.vaddr && va - s.vaddr < s.filesz) return true;
    }
  }
  return false;
}

// PE x64 and ARM64 exception directory (.pdata): RUNTIME_FUNCTION entries whose first word is
// the function's RVA (x64: begin, end, unwind info, 12 bytes; ARM64: begin, packed info, 8).
void parse_pdata(const ElfImage& img, ByteView bytes, const SectionInfo& s, std::vector<std::uint64_t>& out) {
  const std::uint64_t step = img.arch == Arch::kAarch64 ? 8 : 12;
  for (std::uint64_t off = 0; off + step <= s.size; off += step) {
    auto begin = load_u32(bytes, s.offset + off, Endian::kLittle);
    if (!begin) return;
    if (*begin == 0) break;  // the table's zero padding
    out.push_back(img.image_base + *begin);
  }
}

}  // namespace

std::vector<std::uint64_t> unwind_table_starts(const ElfImage& img, ByteView bytes) {
  std::vector<std::uint64_t> out;
  for (const auto& s : img.sections) {
    if (s.name == ".eh_frame" && !s.nobits) parse_eh_frame(img, bytes, s, out);
    if (s.name == ".ARM.exidx" && !s.nobits) parse_arm_exidx(img, bytes, s, out);
    if (s.name == ".pdata" && !s.nobits && img.format == ImageFormat::kPe && (img.arch == Arch::kX86_64 || img.arch == Arch::kAarch64)) {
      parse_pdata(img, bytes, s, out);
    }
  }
  return out;
}

std::vector<FunctionSymbol> discover_functions(const ElfImage& img, ByteView bytes, const XrefIndex* xref) {
  std::vector<FunctionSymbol> fns = img.functions;
  // A tree, not a sorted vector: a stripped binary's call targets and unwind entries are each
  // inserted once, and inserting into a vector moved its tail every time.
  std::set<std::uint64_t> known;
  for (const auto& f : fns) known.insert(f.addr);
  auto add = [&](std::uint64_t addr, FunctionSource src) {
    if (img.arch == Arch::kArm) addr &= ~std::uint64_t{1};
    if (!in_code(img, addr)) return;
    if (!known.insert(addr).second) return;
    FunctionSymbol f;
    f.addr = addr;
    f.source = src;
    fns.push_back(std::move(f));
  };
  std::vector<std::uint64_t> pdata;
  for (const auto& s : img.sections) {
    if (s.name == ".pdata" && !s.nobits && img.format == ImageFormat::kPe && (img.arch == Arch::kX86_64 || img.arch == Arch::kAarch64)) {
      parse_pdata(img, bytes, s, pdata);
    }
  }
  std::sort(pdata.begin(), pdata.end());
  for (std::uint64_t a : unwind_table_starts(img, bytes)) {
    add(a, std::binary_search(pdata.begin(), pdata.end(), a) ? FunctionSource::kPdata : FunctionSource::kEhFrame);
  }
  add(img.entry, FunctionSource::kEntry);
  if (xref != nullptr) {
    for (const auto& c : xref->calls()) add(c.target_va, FunctionSource::kCallTarget);
    // A prologue only starts a function when nothing known starts just before it.
    for (std::uint64_t p : xref->prologues()) {
      auto it = known.upper_bound(p);
      if (it != known.begin() && p - *std::prev(it) <= 16) continue;
      add(p, FunctionSource::kPrologue);
    }
  }
  std::sort(fns.begin(), fns.end(), [](const FunctionSymbol& a, const FunctionSymbol& b) { return a.addr < b.addr; });
  return fns;
}

const FunctionSymbol* containing_function(const ElfImage& img, const std::vector<FunctionSymbol>& functions, std::uint64_t va) {
  auto it = std::upper_bound(functions.begin(), functions.end(), va, [](std::uint64_t v, const FunctionSymbol& f) { return v < f.addr; });
  if (it == functions.begin()) return nullptr;
  const FunctionSymbol* f = &*std::prev(it);
  if (f->size != 0 && va - f->addr >= f->size) {
    // Past a sized symbol: look back for a function that does contain it (nested/aliased symbols).
    for (auto j = std::prev(it);; --j) {
      if (j->size == 0 || va - j->addr < j->size) return &*j;
      if (j == functions.begin()) break;
    }
  }
  (void)img;
  return f;
}

}  // namespace fwscan::elf
