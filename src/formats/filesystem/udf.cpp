// UDF (OSTA UDF 1.02–2.60 over ECMA-167), read-only, little-endian.
// Volume recognition: "BEA01", "NSR02"/"NSR03", "TEA01" in 2048-byte records from 32 KiB.
// Every descriptor starts with a 16-byte tag: identifier u16, version u16, checksum u8 (of the
// tag's other 15 bytes), serial u16 @6, CRC-16/XMODEM u16 @8 of crcLength u16 @10 bytes after
// the tag, location u32 @12 (its own logical sector or block).
// Anchor (2) at sector 256: main volume descriptor sequence extent (length, sector) @16. In it:
// Partition Descriptor (5): number u16 @22, start sector u32 @188, length @192; Logical Volume
// Descriptor (6): block size u32 @212, domain "*OSTA UDF Compliant" @216 (revision u16 @216+24),
// File Set Descriptor long_ad @248, partition map count u32 @268, maps @440 (type 1: volume
// sequence u16 @2, partition u16 @4; type 2, 64 bytes: identifier @4, partition u16 @38, and for
// "*UDF Metadata Partition" the metadata file's block u32 @40).
// File Set Descriptor (256): root directory ICB long_ad @400. ICBs are File Entries (261) or
// Extended File Entries (266): ICB tag @16 (file type @16+11, flags @16+18: allocation descriptor
// form in bits 0-2), uid @36, gid @40, permissions @44, link count @48, information length u64
// @56; FE: modification time @84, EA length @168, AD length @172, EAs then ADs @176; EFE: time
// @92, EA length @208, AD length @212, @216. Allocation descriptors: short_ad (length u32 with the
// extent type in its top 2 bits, block u32), long_ad (length, block, partition u16, 6 bytes),
// or the data itself (form 3); extent type 3 continues in an Allocation Extent Descriptor (258:
// AD length @20, ADs @24). Directories are File Identifier Descriptors (257): characteristics
// @18 (2 directory, 4 deleted, 8 parent), name length u8 @19, ICB long_ad @20, implementation
// use length u16 @36, name (OSTA CS0: 8 = one byte per character, 16 = UTF-16BE) @38 + that,
// each padded to 4 bytes.
#include <map>
#include <set>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr std::uint32_t kMaxExtents = 1'000'000;
// BEA01 opens the extended area: first on a UDF-only volume, after the ISO 9660 descriptors
// (primary, Joliet, terminator...) on a bridge disc.
constexpr Magic kMagics[] = {{"00 42 45 41 30 31 01", 0x8000}, {"00 42 45 41 30 31 01", 0x8800}, {"00 42 45 41 30 31 01", 0x9000},
                             {"00 42 45 41 30 31 01", 0x9800}, {"00 42 45 41 30 31 01", 0xA000}};
constexpr std::string_view kRefs[] = {"ECMA-167 3rd edition parts 3 and 4; OSTA UDF 2.60 (partition maps, metadata partition, CS0)"};
constexpr std::string_view kLimits[] = {
    "virtual (VAT, write-once media) and sparable partitions are not read",
    "named streams and extended attributes are not reported",
    "only the first volume of a multi-volume set",
};
constexpr HandlerInfo kInfo{"udf", Category::kFilesystem, "UDF (ECMA-167) file system", kMagics, kRefs, kLimits};

struct LongAd {
  std::uint32_t length = 0, block = 0;
  std::uint16_t partition = 0;
};

LongAd long_ad(ByteView v, std::uint64_t off) {
  return {load_le32(v, off).value_or(0), load_le32(v, off + 4).value_or(0), load_le16(v, off + 8).value_or(0)};
}

// A descriptor whose tag checksum, CRC and location hold; `location` is what the tag must say.
std::optional<ByteView> descriptor(ByteView v, std::uint64_t off, std::uint64_t max, std::uint16_t want, std::optional<std::uint32_t> location) {
  auto t = subview(v, off, 16);
  if (!t) return std::nullopt;
  std::uint8_t sum = 0;
  for (std::uint64_t i = 0; i < 16; ++i) sum = static_cast<std::uint8_t>(sum + (i == 4 ? 0 : (*t)[i]));
  if (sum != (*t)[4] || *load_le16(*t, 0) != want) return std::nullopt;
  const std::uint16_t crc_len = *load_le16(*t, 10);
  auto body = subview(v, off + 16, crc_len);
  if (!body || crc16_xmodem(*body) != *load_le16(*t, 8)) return std::nullopt;
  if (location && *load_le32(*t, 12) != *location) return std::nullopt;
  return subview(v, off, std::max<std::uint64_t>(max, 16ULL + crc_len)).value_or(v.subspan(off));
}

struct Partition {
  std::uint16_t number = 0;
  std::uint64_t start = 0, length = 0;  // sectors
};
struct Map {
  enum Kind : std::uint8_t { kPhysical, kMetadata, kOther } kind = kPhysical;
  std::uint16_t partition = 0;
  std::uint32_t metadata_file = 0;
  std::string name;
};

struct Volume {
  std::uint32_t sector = 2048, block = 2048;
  std::vector<Partition> partitions;
  std::vector<Map> maps;
  LongAd fsd;
  std::string label;
  std::uint16_t revision = 0;
};

std::optional<Volume> parse(ByteView v, std::string& why) {
  // The volume recognition sequence: BEA01, then NSR02 or NSR03, before TEA01 (ISO 9660
  // descriptors may come first on a bridge disc).
  bool bea = false, nsr = false;
  for (std::uint64_t off = 0x8000; off < 0x8000 + 2048 * 32ULL && !nsr; off += 2048) {
    if (has_bytes_at(v, off + 1, "BEA01")) bea = true;
    else if (bea && (has_bytes_at(v, off + 1, "NSR02") || has_bytes_at(v, off + 1, "NSR03"))) nsr = true;
    else if (has_bytes_at(v, off + 1, "TEA01")) break;
  }
  if (!nsr) return std::nullopt;
  Volume vol;
  std::optional<ByteView> avdp;
  for (std::uint32_t ss : {2048U, 512U, 4096U, 1024U}) {
    avdp = descriptor(v, 256ULL * ss, 512, 2, 256);
    if (avdp) {
      vol.sector = ss;
      break;
    }
  }
  if (!avdp) {
    why = "no anchor volume descriptor pointer at sector 256";
    return vol;  // recognised, not readable
  }
  const std::uint32_t vds_len = *load_le32(*avdp, 16), vds_loc = *load_le32(*avdp, 20);
  std::optional<ByteView> lvd;
  for (std::uint64_t i = 0; i < std::min<std::uint64_t>(vds_len / vol.sector, 256); ++i) {
    const std::uint64_t off = (static_cast<std::uint64_t>(vds_loc) + i) * vol.sector;
    auto tag = load_le16(v, off);
    if (!tag || *tag == 8 || *tag == 0) break;  // terminating descriptor
    if (*tag == 5) {
      if (auto pd = descriptor(v, off, vol.sector, 5, static_cast<std::uint32_t>(vds_loc + i))) {
        vol.partitions.push_back({*load_le16(*pd, 22), *load_le32(*pd, 188), *load_le32(*pd, 192)});
      }
    } else if (*tag == 6) {
      lvd = descriptor(v, off, vol.sector, 6, static_cast<std::uint32_t>(vds_loc + i));
    }
  }
  if (!lvd) {
    why = "no valid logical volume descriptor in the main volume descriptor sequence";
    return vol;
  }
  vol.block = *load_le32(*lvd, 212);
  vol.revision = load_le16(*lvd, 216 + 24).value_or(0);
  vol.fsd = long_ad(*lvd, 248);
  auto label = subview(*lvd, 84, 128);
  if (label && (*label)[127] > 1 && (*label)[127] < 128) {
    const std::uint8_t n = (*label)[127];
    if ((*label)[0] == 8) {
      for (std::uint8_t i = 1; i < n; ++i) {
        const std::uint8_t c = (*label)[i];
        if (c < 0x80) vol.label += static_cast<char>(c);
        else {
          vol.label += static_cast<char>(0xC0 | (c >> 6));
          vol.label += static_cast<char>(0x80 | (c & 0x3F));
        }
      }
    } else if ((*label)[0] == 16) {
      vol.label = walk::utf16_name(label->subspan(1, n - 1U), Endian::kBig);
    }
  }
  const std::uint32_t nmaps = std::min<std::uint32_t>(*load_le32(*lvd, 268), 64);
  std::uint64_t p = 440;
  for (std::uint32_t i = 0; i < nmaps; ++i) {
    auto type = load_u8(*lvd, p), len = load_u8(*lvd, p + 1);
    if (!type || !len || *len < 6) break;
    Map m;
    if (*type == 1) {
      m.partition = load_le16(*lvd, p + 4).value_or(0);
    } else if (*type == 2) {
      auto ident = subview(*lvd, p + 5, 23);
      m.name = ident ? std::string(as_chars(*ident)).c_str() : "";
      m.partition = load_le16(*lvd, p + 38).value_or(0);
      if (m.name == "*UDF Metadata Partition") {
        m.kind = Map::kMetadata;
        m.metadata_file = load_le32(*lvd, p + 40).value_or(0);
      } else {
        m.kind = Map::kOther;
      }
    }
    vol.maps.push_back(m);
    p += *len;
  }
  if (vol.block < 512 || vol.block > 65536 || (vol.block & (vol.block - 1)) != 0 || vol.maps.empty()) {
    why = "logical volume descriptor: block size or partition maps out of range";
    return vol;
  }
  return vol;
}

struct Extent {
  std::uint64_t offset = 0;  // byte offset in the volume; kHole for zeros
  std::uint64_t length = 0;
};
constexpr std::uint64_t kHole = ~0ULL;

class Fs {
 public:
  Fs(ByteView v, const Volume& vol, Extraction& ex) : v_(v), vol_(vol), ex_(ex) {}

  // Byte offset of block `block` in partition reference `ref`; nullopt when it is outside.
  std::optional<std::uint64_t> locate(std::uint16_t ref, std::uint32_t block) {
    if (ref >= vol_.maps.size()) return std::nullopt;
    const Map& m = vol_.maps[ref];
    if (m.kind == Map::kMetadata) {
      if (!metadata_) load_metadata(ref);
      std::uint64_t at = static_cast<std::uint64_t>(block) * vol_.block;
      for (const auto& e : *metadata_) {
        if (at < e.length) return e.offset == kHole ? std::nullopt : std::optional<std::uint64_t>(e.offset + at);
        at -= e.length;
      }
      return std::nullopt;
    }
    if (m.kind != Map::kPhysical) {
      unsupported("partition map '" + m.name + "'");
      return std::nullopt;
    }
    for (const auto& part : vol_.partitions) {
      if (part.number != m.partition) continue;
      const std::uint64_t blocks = part.length * vol_.sector / vol_.block;
      if (block >= blocks) return std::nullopt;
      return part.start * vol_.sector + static_cast<std::uint64_t>(block) * vol_.block;
    }
    return std::nullopt;
  }

  struct Icb {
    ByteView raw;
    std::uint8_t type = 0;
    std::uint16_t flags = 0;
    std::uint32_t uid = 0, gid = 0, perms = 0;
    std::uint64_t size = 0;
    std::optional<std::int64_t> mtime;
    ByteView ads;
    std::uint16_t ref = 0;  // partition reference of the ICB (short_ad are relative to it)
  };

  std::optional<Icb> icb(const LongAd& at) {
    auto off = locate(at.partition, at.block);
    if (!off) return std::nullopt;
    std::optional<ByteView> d = descriptor(v_, *off, vol_.block, 261, at.block);
    const bool extended = !d;
    if (!d) d = descriptor(v_, *off, vol_.block, 266, at.block);
    if (!d) return std::nullopt;
    Icb i;
    i.raw = *d;
    i.type = (*d)[16 + 11];
    i.flags = *load_le16(*d, 16 + 18);
    i.uid = *load_le32(*d, 36);
    i.gid = *load_le32(*d, 40);
    i.perms = *load_le32(*d, 44);
    i.size = *load_le64(*d, 56);
    i.mtime = timestamp(*d, extended ? 92 : 84);
    const std::uint64_t ea_at = extended ? 208 : 168, base = extended ? 216 : 176;
    const std::uint64_t ea = *load_le32(*d, ea_at), ad = *load_le32(*d, ea_at + 4);
    auto ads = subview(*d, base + ea, ad);
    if (!ads) return std::nullopt;
    i.ads = *ads;
    i.ref = at.partition;
    return i;
  }

  // The file's bytes up to `limit`, in order: put(bytes) for recorded data, hole(count) for an
  // extent not recorded (or not allocated); the count of bytes given. `bad` when an extent lies
  // outside the volume or the extents end short of the size.
  template <class Put, class Hole>
  std::uint64_t walk_data(const Icb& f, std::uint64_t limit, bool& bad, Put put, Hole hole) {
    const std::uint64_t size = std::min(f.size, limit);
    std::uint64_t done = 0;
    if ((f.flags & 7) == 3) {  // embedded in the ICB
      done = std::min<std::uint64_t>(size, f.ads.size());
      put(f.ads.subspan(0, done));
    } else {
      for (const auto& e : extents(f, bad)) {
        if (done >= size) break;
        const std::uint64_t want = std::min(e.length, size - done);
        if (e.offset == kHole) {
          hole(want);
          done += want;
          continue;
        }
        auto b = subview(v_, e.offset, want);
        if (!b) {
          bad = true;
          break;
        }
        put(*b);
        done += want;
      }
    }
    if (done < size) bad = true;
    return done;
  }

  // Link targets: in memory.
  std::vector<std::uint8_t> read(const Icb& f, std::uint64_t limit, bool& bad) {
    std::vector<std::uint8_t> out;
    walk_data(f, limit, bad, [&](ByteView b) { out.insert(out.end(), b.begin(), b.end()); },
              [&](std::uint64_t n) { out.insert(out.end(), n, 0); });
    return out;
  }

  // A file's bytes, its holes held as holes; the bytes given (before any shortfall).
  Result<Blob> read_file(const Icb& f, std::uint64_t limit, bool& bad, std::uint64_t& given) {
    FWSCAN_ASSIGN_OR_RETURN(OutputBuffer out, OutputBuffer::make(std::min(f.size, limit)));
    given = walk_data(f, limit, bad, [&](ByteView b) { out.append(b); }, [&](std::uint64_t n) { out.append_hole(n); });
    out.resize(given);
    return Blob::adopt(std::move(out));
  }

  void damage(const std::string& what) { walk::damage(ex_, what); }

 private:
  std::vector<Extent> extents(const Icb& f, bool& bad) {
    std::vector<Extent> out;
    const unsigned form = f.flags & 7;
    if (form > 1) {
      if (form == 2) unsupported("extended_ad allocation descriptors");
      bad = true;
      return out;
    }
    ByteView ads = f.ads;
    std::set<std::uint64_t> seen;
    const std::uint64_t step = form == 0 ? 8 : 16;
    for (std::uint64_t p = 0; p + step <= ads.size() && out.size() < kMaxExtents;) {
      const std::uint32_t raw = *load_le32(ads, p);
      const std::uint32_t len = raw & 0x3FFFFFFF, type = raw >> 30;
      const std::uint32_t block = *load_le32(ads, p + 4);
      const std::uint16_t ref = form == 0 ? f.ref : *load_le16(ads, p + 8);
      p += step;
      if (len == 0) break;
      if (type == 3) {  // the list continues in an Allocation Extent Descriptor
        auto off = locate(ref, block);
        auto aed = off && seen.insert(*off).second ? descriptor(v_, *off, vol_.block, 258, std::nullopt) : std::nullopt;
        auto more = aed ? subview(*aed, 24, *load_le32(*aed, 20)) : std::nullopt;
        if (!more) {
          bad = true;
          break;
        }
        ads = *more;
        p = 0;
        continue;
      }
      if (type != 0) {
        out.push_back({kHole, len});
        continue;
      }
      auto off = locate(ref, block);
      if (!off) {
        bad = true;
        out.push_back({kHole, len});
        continue;
      }
      out.push_back({*off, len});
    }
    return out;
  }

  void load_metadata(std::uint16_t ref) {
    metadata_.emplace();
    Map physical = vol_.maps[ref];
    physical.kind = Map::kPhysical;
    // The metadata file's File Entry lies in the physical partition the map names.
    std::uint16_t phys_ref = 0;
    for (std::size_t i = 0; i < vol_.maps.size(); ++i) {
      if (vol_.maps[i].kind == Map::kPhysical && vol_.maps[i].partition == physical.partition) phys_ref = static_cast<std::uint16_t>(i);
    }
    auto f = icb({0, vol_.maps[ref].metadata_file, phys_ref});
    if (!f) {
      damage("the metadata partition's file entry (block " + std::to_string(vol_.maps[ref].metadata_file) + ") does not read");
      return;
    }
    f->ref = phys_ref;
    bool bad = false;
    *metadata_ = extents(*f, bad);
    if (bad) damage("the metadata file's extents reach outside the partition");
  }

  static std::optional<std::int64_t> timestamp(ByteView d, std::uint64_t off) {
    auto t = subview(d, off, 12);
    if (!t) return std::nullopt;
    const std::uint16_t tz = *load_le16(*t, 0);
    const int year = static_cast<std::int16_t>(*load_le16(*t, 2));
    const unsigned month = (*t)[4], day = (*t)[5], hour = (*t)[6], minute = (*t)[7], second = (*t)[8];
    if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = y / 400, yoe = y - era * 400, mp = static_cast<int>((month + 9) % 12);
    const int doy = (153 * mp + 2) / 5 + static_cast<int>(day) - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    std::int64_t secs = (static_cast<std::int64_t>(era) * 146097 + doe - 719468) * 86400 + hour * 3600 + minute * 60 + second;
    if ((tz >> 12) == 1) {
      std::int32_t offset = tz & 0xFFF;
      if (offset & 0x800) offset -= 0x1000;
      if (offset != -2047) secs -= offset * 60;
    }
    return secs;
  }

  void unsupported(const std::string& what) {
    if (!warned_.insert(what).second) return;
    ex_.complete = false;
    ex_.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported, what + " is not read", "", std::nullopt});
  }

  ByteView v_;
  const Volume& vol_;
  Extraction& ex_;
  std::optional<std::vector<Extent>> metadata_;
  std::set<std::string> warned_;
};

// UDF permissions (other bits 0-4, group 5-9, owner 10-14: execute 1, write 2, read 4) as rwx.
std::uint32_t unix_perms(std::uint32_t p) {
  std::uint32_t m = 0;
  for (int who = 0; who < 3; ++who) {
    const std::uint32_t bits = (p >> (5 * who)) & 7;
    m |= (((bits & 4) ? 4U : 0U) | ((bits & 2) ? 2U : 0U) | ((bits & 1) ? 1U : 0U)) << (3 * who);
  }
  return m;
}

std::string cs0(ByteView d) {
  if (d.empty()) return {};
  if (d[0] == 16) return walk::utf16_name(d.subspan(1), Endian::kBig);
  std::string s;
  for (std::uint8_t c : d.subspan(1)) {
    if (c == '/') s += ':';
    else if (c == 0) s += "\xE2\x90\x80";
    else if (c < 0x80) s += static_cast<char>(c);
    else {
      s += static_cast<char>(0xC0 | (c >> 6));
      s += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return s;
}

// A symlink's path components (ECMA-167 4/14.16): type 1 root, 3 "..", 4 ".", 5 a name.
std::string symlink_target(const std::vector<std::uint8_t>& data) {
  std::string out;
  const ByteView v(data);
  for (std::uint64_t p = 0; p + 4 <= v.size();) {
    const std::uint8_t type = v[p], len = v[p + 1];
    auto name = subview(v, p + 4, len);
    p += 4ULL + len;
    std::string part;
    if (type == 1 || type == 2) {
      out = "/";
      continue;
    }
    if (type == 3) part = "..";
    else if (type == 4) part = ".";
    else if (type == 5 && name) part = cs0(*name);
    if (!out.empty() && out.back() != '/') out += '/';
    out += part;
  }
  return out;
}

class UdfHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    std::string why;
    auto vol = parse(at, why);
    if (!vol) return std::nullopt;
    std::uint64_t end = 0;
    for (const auto& p : vol->partitions) end = std::max(end, (p.start + p.length) * vol->sector);
    end = std::max<std::uint64_t>(end, 257ULL * vol->sector);
    // The volume's last sector holds another anchor (or sector N-257 does): the volume ends there.
    const std::uint64_t n = at.size() / vol->sector;
    for (std::uint64_t last : {n - 1, n - 257}) {
      if (n > 257 && last * vol->sector >= end && descriptor(at, last * vol->sector, 512, 2, static_cast<std::uint32_t>(last))) {
        end = n * vol->sector;
        break;
      }
    }
    std::string d = "UDF " + (vol->revision ? std::to_string(vol->revision >> 8) + "." + std::to_string((vol->revision >> 4) & 0xF) + std::to_string(vol->revision & 0xF) : std::string("(revision unknown)"));
    if (!vol->label.empty()) d += ", label '" + vol->label + "'";
    if (end > at.size() || !why.empty()) return Chunk{start, at.size(), Confidence::kLow, d + (why.empty() ? ", truncated" : ", damaged")};
    return Chunk{start, end, Confidence::kHigh, d + ", " + human_size(end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    std::string why;
    auto vol = parse(chunk.bytes(), why);
    if (!vol) return make_error(Errc::kMalformed, "volume recognition sequence", 0x8000);
    Extraction ex;
    if (!why.empty()) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, why, "", std::nullopt});
      return ex;
    }
    ex.properties = {{"block_size", std::to_string(vol->block)}};
    if (vol->revision) {
      char r[16];
      std::snprintf(r, sizeof r, "%x.%02x", vol->revision >> 8, vol->revision & 0xFF);
      ex.properties.emplace_back("udf_revision", r);
    }
    if (!vol->label.empty()) ex.properties.emplace_back("label", vol->label);
    for (const auto& p : vol->partitions) {
      if ((p.start + p.length) * vol->sector > chunk.size()) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "partition " + std::to_string(p.number) + " ends at byte " + std::to_string((p.start + p.length) * vol->sector) + "; " + std::to_string(chunk.size()) + " are present", "", std::nullopt});
      }
    }
    Fs fs(chunk.bytes(), *vol, ex);
    auto fsd_off = fs.locate(vol->fsd.partition, vol->fsd.block);
    auto fsd = fsd_off ? descriptor(chunk.bytes(), *fsd_off, vol->block, 256, vol->fsd.block) : std::nullopt;
    if (!fsd) {
      fs.damage("the file set descriptor (block " + std::to_string(vol->fsd.block) + ") does not read");
      return ex;
    }
    struct Item {
      LongAd icb;
      std::string path;
    };
    std::vector<Item> stack{{long_ad(*fsd, 400), ""}};
    std::set<std::pair<std::uint16_t, std::uint32_t>> visited{{stack[0].icb.partition, stack[0].icb.block}};
    std::map<std::pair<std::uint16_t, std::uint32_t>, std::string> first_path;
    std::uint32_t count = 0;
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      auto dir = fs.icb(item.icb);
      if (!dir || dir->type != 4) {
        fs.damage("directory '" + item.path + "': its ICB (block " + std::to_string(item.icb.block) + ") is not a directory entry");
        continue;
      }
      bool bad = false;
      const auto listing = fs.read(*dir, std::min<std::uint64_t>(dir->size, 64ULL << 20), bad);
      if (bad) fs.damage("directory '" + item.path + "' reaches outside the volume");
      const ByteView l(listing);
      std::vector<Item> subdirs;
      for (std::uint64_t p = 0; p + 38 <= l.size();) {
        auto fid = descriptor(l, p, 38, 257, std::nullopt);
        if (!fid) {
          fs.damage("directory '" + item.path + "': file identifier at " + std::to_string(p) + " is damaged");
          break;
        }
        const std::uint8_t chars = l[p + 18], name_len = l[p + 19];
        const std::uint16_t iu = *load_le16(l, p + 36);
        const std::uint64_t total = (38ULL + iu + name_len + 3) / 4 * 4;
        auto name = subview(l, p + 38 + iu, name_len);
        const LongAd at = long_ad(l, p + 20);
        p += total;
        if (!name || (chars & 8) || (chars & 4)) continue;  // parent entry, deleted
        if (!walk::count_entry(count, kMaxEntries, ex)) return ex;
        std::string n = cs0(*name);
        if (n.empty() || n == "." || n == "..") n = "_";
        const std::string path = walk::join(item.path, n);
        Child c = walk::entry(path);
        auto f = fs.icb(at);
        if (!f) {
          fs.damage("'" + path + "': its ICB (block " + std::to_string(at.block) + ") is not a file entry");
          c.meta.kind = EntryKind::kOther;
          ex.children.push_back(std::move(c));
          continue;
        }
        c.meta.uid = f->uid != 0xFFFFFFFF ? std::optional<std::uint32_t>(f->uid) : std::nullopt;
        c.meta.gid = f->gid != 0xFFFFFFFF ? std::optional<std::uint32_t>(f->gid) : std::nullopt;
        c.meta.mode = unix_perms(f->perms);
        c.meta.mtime = f->mtime;
        const auto key = std::make_pair(at.partition, at.block);
        switch (f->type) {
          case 4:
            c.meta.kind = EntryKind::kDirectory;
            if (visited.insert(key).second) subdirs.push_back({at, path});
            else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory ICB " + std::to_string(at.block) + " reached twice ('" + path + "')", "", std::nullopt});
            break;
          case 5:
          case 12: {
            c.meta.kind = f->type == 5 ? EntryKind::kFile : EntryKind::kSymlink;
            if (f->type == 5 && walk::link_to_first(first_path, key, path, c.meta)) break;
            const std::uint64_t size = walk::entry_size(ctx, ex, path, f->size, chunk.size(), kMaxFile);
            if (!walk::charge(ctx, ex, size)) return ex;
            bool fbad = false;
            std::uint64_t given = 0;
            if (f->type == 12) {
              const auto data = fs.read(*f, size, fbad);
              given = data.size();
              c.meta.link_target = symlink_target(data);
            } else {
              auto data = fs.read_file(*f, size, fbad, given);
              if (!data) {
                ex.complete = false;
                ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + path + "': " + data.error().message, "", std::nullopt});
              } else {
                c.data = std::move(*data);
              }
            }
            if (fbad) fs.damage("'" + path + "': its data reaches outside the volume (" + std::to_string(given) + " of " + std::to_string(f->size) + " bytes)");
            break;
          }
          case 6: c.meta.kind = EntryKind::kBlockDevice; break;
          case 7: c.meta.kind = EntryKind::kCharDevice; break;
          case 9: c.meta.kind = EntryKind::kFifo; break;
          case 10: c.meta.kind = EntryKind::kSocket; break;
          default: c.meta.kind = EntryKind::kOther; break;
        }
        ex.children.push_back(std::move(c));
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_udf_handler() { return std::make_unique<UdfHandler>(); }

}  // namespace fwscan
