// 7-Zip archives read natively (7-Zip's DOC/7zFormat.txt and its 7zAes coder), for the encrypted
// archives libarchive cannot decrypt.
//   Signature header (32 bytes): "7z" bc af 27 1c, version, start header CRC, next header
//   offset u64 (from byte 32), size u64, CRC. The next header is kHeader (01) or kEncodedHeader
//   (17: a StreamsInfo whose single folder decodes to the real header, itself possibly encoded
//   again or encrypted).
//   Numbers are 7z's variable-length integers (the first byte's leading 1 bits count the extra
//   bytes). StreamsInfo: kPackInfo (06: pack position, count, kSize 09, kCRC 0A), kUnPackInfo
//   (07: kFolder 0B count, external 0, folders, kCodersUnPackSize 0C, kCRC), kSubStreamsInfo (08:
//   kNumUnPackStream 0D, kSize, kCRC). A folder: coders (flags: id size, complex 0x10,
//   properties 0x20; id; in/out counts; properties), bind pairs (in index, out index), packed
//   stream indices. FilesInfo (05): count, then properties by type: kEmptyStream 0E, kEmptyFile
//   0F, kName 11 (UTF-16LE, NUL-ended), kMTime 14 (FILETIME), kAttributes 15, kDummy 19.
//   7zAES (06 f1 07 01) properties: byte 0 = cycles power (bits 0-5), salt (0x80) and IV (0x40)
//   present; byte 1 = the extra salt and IV lengths (high and low nibble). The key is SHA-256 over
//   2^power rounds of salt + UTF-16LE password + a 64-bit round counter; AES-256-CBC.
#include "formats/archive/sevenzip_native.hpp"

#include <lzma.h>
#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <map>
#include <memory>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/fs_entries.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kMaxItems = 1'000'000;
constexpr int kMaxHeaderDepth = 4;
// Each AES key costs 2^power SHA-256 rounds (7-Zip writes 2^19): a hostile archive of many folders,
// each with its own salt, times many passwords, must not keep the scan hashing for hours.
constexpr std::uint32_t kMaxKeyDerivations = 64;

// Bounds-checked cursor over header bytes; any read past the end clears ok().
class Cur {
 public:
  explicit Cur(ByteView v) : v_(v) {}
  bool ok() const { return ok_; }
  bool done() const { return p_ >= v_.size(); }
  std::uint8_t byte() {
    if (p_ >= v_.size()) {
      ok_ = false;
      return 0;
    }
    return v_[p_++];
  }
  std::uint64_t number() {
    const std::uint8_t first = byte();
    std::uint8_t mask = 0x80;
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      if ((first & mask) == 0) return value | (static_cast<std::uint64_t>(first & (mask - 1)) << (8 * i));
      value |= static_cast<std::uint64_t>(byte()) << (8 * i);
      mask >>= 1;
    }
    return value;
  }
  // A count that must fit in what is left of the header (each item takes at least `each` bytes).
  std::uint64_t count(std::uint64_t each = 1) {
    const std::uint64_t n = number();
    if (n > kMaxItems || n * each > v_.size() - std::min<std::uint64_t>(p_, v_.size())) ok_ = false;
    return ok_ ? n : 0;
  }
  std::uint32_t u32() {
    auto r = load_le32(v_, p_);
    p_ += 4;
    if (!r) ok_ = false;
    return r.value_or(0);
  }
  std::uint64_t u64() {
    auto r = load_le64(v_, p_);
    p_ += 8;
    if (!r) ok_ = false;
    return r.value_or(0);
  }
  ByteView bytes(std::uint64_t n) {
    auto r = subview(v_, p_, n);
    if (!r) {
      ok_ = false;
      p_ = v_.size();
      return {};
    }
    p_ += n;
    return *r;
  }
  std::vector<bool> bits(std::uint64_t n) {
    std::vector<bool> out(static_cast<std::size_t>(n));
    std::uint8_t b = 0;
    for (std::uint64_t i = 0; i < n && ok_; ++i) {
      if (i % 8 == 0) b = byte();
      out[static_cast<std::size_t>(i)] = (b & (0x80 >> (i % 8))) != 0;
    }
    return out;
  }
  // "all defined" byte, else a bit vector.
  std::vector<bool> defined(std::uint64_t n) {
    if (byte() != 0) return std::vector<bool>(static_cast<std::size_t>(n), true);
    return bits(n);
  }
  void fail() { ok_ = false; }

 private:
  ByteView v_;
  std::uint64_t p_ = 0;
  bool ok_ = true;
};

struct Coder {
  std::vector<std::uint8_t> id;
  std::uint64_t in = 1, out = 1;
  std::vector<std::uint8_t> props;
};
struct Folder {
  std::vector<Coder> coders;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> binds;  // (in index, out index)
  std::vector<std::uint64_t> packed;                            // in indices fed by packed streams
  std::vector<std::uint64_t> sizes;                             // per out stream
  std::optional<std::uint32_t> crc;
  std::uint64_t substreams = 1;
  std::uint64_t first_pack = 0;  // index of its first packed stream
};
struct Streams {
  std::uint64_t pack_pos = 0;
  std::vector<std::uint64_t> pack_sizes;
  std::vector<Folder> folders;
  std::vector<std::uint64_t> sub_sizes;
  std::vector<std::optional<std::uint32_t>> sub_crcs;
};

// The index of the folder's out stream no bind pair consumes: its final output.
std::uint64_t main_out(const Folder& f) {
  for (std::uint64_t o = 0; o < f.sizes.size(); ++o) {
    bool bound = false;
    for (const auto& b : f.binds) bound = bound || b.second == o;
    if (!bound) return o;
  }
  return 0;
}
std::uint64_t main_size(const Folder& f) { return f.sizes.empty() ? 0 : f.sizes[static_cast<std::size_t>(main_out(f))]; }

std::vector<std::optional<std::uint32_t>> digests(Cur& c, std::uint64_t n) {
  const auto def = c.defined(n);
  std::vector<std::optional<std::uint32_t>> out(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n && c.ok(); ++i) {
    if (def[static_cast<std::size_t>(i)]) out[static_cast<std::size_t>(i)] = c.u32();
  }
  return out;
}

bool parse_folder(Cur& c, Folder& f) {
  const std::uint64_t ncoders = c.count();
  if (ncoders == 0 || ncoders > 64) return false;
  std::uint64_t total_in = 0, total_out = 0;
  for (std::uint64_t i = 0; i < ncoders && c.ok(); ++i) {
    const std::uint8_t flags = c.byte();
    if (flags & 0x80) return false;  // alternative methods: never written
    Coder k;
    const ByteView id = c.bytes(flags & 0x0F);
    k.id.assign(id.begin(), id.end());
    if (flags & 0x10) {
      k.in = c.number();
      k.out = c.number();
      if (k.in == 0 || k.in > 32 || k.out == 0 || k.out > 32) return false;
    }
    if (flags & 0x20) {
      const ByteView p = c.bytes(c.count());
      k.props.assign(p.begin(), p.end());
    }
    total_in += k.in;
    total_out += k.out;
    f.coders.push_back(std::move(k));
  }
  for (std::uint64_t i = 0; i + 1 < total_out && c.ok(); ++i) {
    const std::uint64_t in = c.number(), out = c.number();
    if (in >= total_in || out >= total_out) return false;
    f.binds.emplace_back(in, out);
  }
  if (total_in < f.binds.size() + 1) return false;
  const std::uint64_t npacked = total_in - f.binds.size();
  if (npacked == 1) {
    for (std::uint64_t i = 0; i < total_in; ++i) {
      bool bound = false;
      for (const auto& b : f.binds) bound = bound || b.first == i;
      if (!bound) f.packed.push_back(i);
    }
  } else {
    for (std::uint64_t i = 0; i < npacked && c.ok(); ++i) f.packed.push_back(c.number());
  }
  f.sizes.resize(static_cast<std::size_t>(total_out));
  return c.ok() && f.packed.size() == npacked;
}

bool parse_streams(Cur& c, Streams& s) {
  for (std::uint8_t id = c.byte(); c.ok() && id != 0x00; id = c.byte()) {
    if (id == 0x06) {  // PackInfo
      s.pack_pos = c.number();
      const std::uint64_t n = c.count();
      for (std::uint8_t t = c.byte(); c.ok() && t != 0x00; t = c.byte()) {
        if (t == 0x09) {
          for (std::uint64_t i = 0; i < n && c.ok(); ++i) s.pack_sizes.push_back(c.number());
        } else if (t == 0x0A) {
          digests(c, n);
        } else {
          return false;
        }
      }
    } else if (id == 0x07) {  // UnPackInfo
      if (c.byte() != 0x0B) return false;
      const std::uint64_t n = c.count();
      if (c.byte() != 0) return false;  // "external": never written
      std::uint64_t pack_index = 0;
      for (std::uint64_t i = 0; i < n && c.ok(); ++i) {
        Folder f;
        if (!parse_folder(c, f)) return false;
        f.first_pack = pack_index;
        pack_index += f.packed.size();
        s.folders.push_back(std::move(f));
      }
      if (c.byte() != 0x0C) return false;
      for (auto& f : s.folders) {
        for (auto& size : f.sizes) size = c.number();
      }
      for (std::uint8_t t = c.byte(); c.ok() && t != 0x00; t = c.byte()) {
        if (t != 0x0A) return false;
        const auto d = digests(c, s.folders.size());
        for (std::size_t i = 0; i < d.size(); ++i) s.folders[i].crc = d[i];
      }
    } else if (id == 0x08) {  // SubStreamsInfo
      std::uint8_t t = c.byte();
      if (t == 0x0D) {
        for (auto& f : s.folders) f.substreams = c.count(0);
        t = c.byte();
      }
      // Sizes: for each folder, all but the last substream's (the last is what is left).
      const bool sized = t == 0x09;
      std::uint64_t unknown_crcs = 0;
      for (auto& f : s.folders) {
        if (f.substreams == 0) continue;
        const std::uint64_t total = main_size(f);
        std::uint64_t sum = 0;
        for (std::uint64_t i = 0; i + 1 < f.substreams && sized && c.ok(); ++i) {
          const std::uint64_t n = c.number();
          s.sub_sizes.push_back(n);
          sum += n;
        }
        if (sum > total) return false;
        s.sub_sizes.push_back(total - sum);
        unknown_crcs += f.substreams == 1 && f.crc ? 0 : f.substreams;
      }
      if (sized) t = c.byte();
      std::vector<std::optional<std::uint32_t>> listed;
      if (t == 0x0A) {
        listed = digests(c, unknown_crcs);
        t = c.byte();
      }
      std::size_t k = 0;
      for (const auto& f : s.folders) {
        for (std::uint64_t i = 0; i < f.substreams; ++i) {
          if (f.substreams == 1 && f.crc) s.sub_crcs.push_back(f.crc);
          else s.sub_crcs.push_back(k < listed.size() ? listed[k++] : std::nullopt);
        }
      }
      if (t != 0x00) return false;
    } else {
      return false;
    }
  }
  if (s.sub_sizes.empty()) {  // no SubStreamsInfo: one stream per folder
    for (const auto& f : s.folders) {
      s.sub_sizes.push_back(main_size(f));
      s.sub_crcs.push_back(f.crc);
    }
  }
  return c.ok();
}

// --- coders -------------------------------------------------------------------------------

bool is(const Coder& k, std::initializer_list<std::uint8_t> id) { return std::equal(k.id.begin(), k.id.end(), id.begin(), id.end()); }

std::optional<lzma_vli> lzma_filter_id(const Coder& k) {
  if (is(k, {0x03, 0x01, 0x01})) return LZMA_FILTER_LZMA1;
  if (is(k, {0x21})) return LZMA_FILTER_LZMA2;
  if (is(k, {0x03, 0x03, 0x01, 0x03})) return LZMA_FILTER_X86;
  if (is(k, {0x03, 0x03, 0x02, 0x05})) return LZMA_FILTER_POWERPC;
  if (is(k, {0x03, 0x03, 0x04, 0x01})) return LZMA_FILTER_IA64;
  if (is(k, {0x03, 0x03, 0x05, 0x01})) return LZMA_FILTER_ARM;
  if (is(k, {0x03, 0x03, 0x07, 0x01})) return LZMA_FILTER_ARMTHUMB;
  if (is(k, {0x03, 0x03, 0x08, 0x05})) return LZMA_FILTER_SPARC;
  if (is(k, {0x03})) return LZMA_FILTER_DELTA;
  return std::nullopt;
}

// Decodes through liblzma's raw decoder with the filter chain (the last one LZMA1 or LZMA2).
// LZMA1 in 7z often has no end marker: a full output buffer is success.
std::optional<std::vector<std::uint8_t>> lzma_chain(const std::vector<const Coder*>& chain, ByteView in, std::uint64_t size) {
  std::vector<lzma_filter> filters;
  for (const Coder* k : chain) {
    lzma_filter f{*lzma_filter_id(*k), nullptr};
    if (lzma_properties_decode(&f, nullptr, k->props.data(), k->props.size()) != LZMA_OK) {
      for (auto& g : filters) free(g.options);  // NOLINT: allocated by liblzma
      return std::nullopt;
    }
    filters.push_back(f);
  }
  filters.push_back({LZMA_VLI_UNKNOWN, nullptr});
  lzma_stream s = LZMA_STREAM_INIT;
  std::optional<std::vector<std::uint8_t>> out;
  if (lzma_raw_decoder(&s, filters.data()) == LZMA_OK) {
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(size));
    s.next_in = in.data();
    s.avail_in = in.size();
    s.next_out = buf.data();
    s.avail_out = buf.size();
    lzma_ret r = LZMA_OK;
    while (r == LZMA_OK && s.avail_out > 0) {
      const std::size_t before = s.avail_in + s.avail_out;
      r = lzma_code(&s, LZMA_FINISH);
      if (r == LZMA_OK && s.avail_in + s.avail_out == before) break;  // no progress
    }
    if (s.avail_out == 0 && (r == LZMA_OK || r == LZMA_STREAM_END || r == LZMA_BUF_ERROR)) out = std::move(buf);
  }
  lzma_end(&s);
  for (auto& f : filters) free(f.options);  // NOLINT: allocated by liblzma
  return out;
}

// One SHA-256 per round over salt + password + counter: 2^power rounds.
std::array<std::uint8_t, 32> aes_key(ByteView salt, const std::vector<std::uint8_t>& pw, unsigned power) {
  std::array<std::uint8_t, 32> key{};
  if (power == 0x3F) {  // no hashing: salt and password, zero-padded
    std::size_t k = 0;
    for (std::uint8_t b : salt) if (k < 32) key[k++] = b;
    for (std::uint8_t b : pw) if (k < 32) key[k++] = b;
    return key;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::uint8_t counter[8] = {};
  const std::uint64_t rounds = 1ULL << power;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    EVP_DigestUpdate(ctx.get(), salt.data(), salt.size());
    EVP_DigestUpdate(ctx.get(), pw.data(), pw.size());
    EVP_DigestUpdate(ctx.get(), counter, 8);
    for (int i = 0; i < 8 && ++counter[i] == 0; ++i) {
    }
  }
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), key.data(), &len);
  return key;
}

std::vector<std::uint8_t> utf16le(const std::string& utf8) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<std::uint8_t>(utf8[i]);
    std::uint32_t cp = c;
    std::size_t n = 1;
    if (c >= 0xF0 && i + 3 < utf8.size()) { cp = ((c & 0x07U) << 18) | ((utf8[i + 1] & 0x3FU) << 12) | ((utf8[i + 2] & 0x3FU) << 6) | (utf8[i + 3] & 0x3FU); n = 4; }
    else if (c >= 0xE0 && i + 2 < utf8.size()) { cp = ((c & 0x0FU) << 12) | ((utf8[i + 1] & 0x3FU) << 6) | (utf8[i + 2] & 0x3FU); n = 3; }
    else if (c >= 0xC0 && i + 1 < utf8.size()) { cp = ((c & 0x1FU) << 6) | (utf8[i + 1] & 0x3FU); n = 2; }
    i += n;
    auto put = [&out](std::uint32_t u) { out.push_back(static_cast<std::uint8_t>(u)); out.push_back(static_cast<std::uint8_t>(u >> 8)); };
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

class FolderDecoder {
 public:
  FolderDecoder(ByteView archive, const Streams& s, const std::string* password, std::uint64_t cap, std::uint32_t& derivations)
      : a_(archive), s_(s), password_(password), cap_(cap), derivations_(derivations) {}

  // The folder's main output; nullopt with why() set when it cannot be decoded.
  std::optional<std::vector<std::uint8_t>> decode(const Folder& f) {
    return out_stream(f, main_out(f), 0);
  }
  const std::string& why() const { return why_; }
  bool encrypted() const { return encrypted_; }

 private:
  // The coder producing out stream `o`, and its first in stream.
  std::optional<std::pair<std::size_t, std::uint64_t>> coder_of(const Folder& f, std::uint64_t o) const {
    std::uint64_t in = 0, out = 0;
    for (std::size_t i = 0; i < f.coders.size(); ++i) {
      if (o >= out && o < out + f.coders[i].out) return std::make_pair(i, in);
      in += f.coders[i].in;
      out += f.coders[i].out;
    }
    return std::nullopt;
  }

  std::optional<std::vector<std::uint8_t>> in_stream(const Folder& f, std::uint64_t in, int depth) {
    for (const auto& b : f.binds) {
      if (b.first == in) return out_stream(f, b.second, depth + 1);
    }
    for (std::size_t k = 0; k < f.packed.size(); ++k) {
      if (f.packed[k] != in) continue;
      std::uint64_t off = 32 + s_.pack_pos;
      const std::uint64_t index = f.first_pack + k;
      if (index >= s_.pack_sizes.size()) return fail("packed stream " + std::to_string(index) + " has no size");
      for (std::uint64_t i = 0; i < index; ++i) off += s_.pack_sizes[i];
      auto v = subview(a_, off, s_.pack_sizes[index]);
      if (!v) return fail("packed stream " + std::to_string(index) + " lies past the archive's end");
      return std::vector<std::uint8_t>(v->begin(), v->end());
    }
    return fail("in stream " + std::to_string(in) + " is neither bound nor packed");
  }

  std::optional<std::vector<std::uint8_t>> out_stream(const Folder& f, std::uint64_t o, int depth) {
    if (depth > 8) return fail("coder chain deeper than 8");
    auto c = coder_of(f, o);
    if (!c || o >= f.sizes.size()) return fail("out stream " + std::to_string(o) + " has no coder");
    const Coder& k = f.coders[c->first];
    const std::uint64_t size = f.sizes[o];
    if (size > cap_) return fail("a coder declares " + std::to_string(size) + " bytes, over the output budget");
    if (k.in != 1 || k.out != 1) return fail("coder with " + std::to_string(k.in) + " inputs (BCJ2) is not supported");
    auto filter = lzma_filter_id(k);
    if (filter && *filter != LZMA_FILTER_LZMA1 && *filter != LZMA_FILTER_LZMA2) {
      // A BCJ or Delta filter: run it in one liblzma chain with the LZMA coder that feeds it.
      std::optional<std::uint64_t> source;
      for (const auto& b : f.binds) {
        if (b.first == c->second) source = b.second;
      }
      auto lz = source ? coder_of(f, *source) : std::nullopt;
      if (!lz) return fail("a filter not fed by LZMA or LZMA2 is not supported");
      const Coder& lk = f.coders[lz->first];
      auto lf = lzma_filter_id(lk);
      if (!lf || (*lf != LZMA_FILTER_LZMA1 && *lf != LZMA_FILTER_LZMA2) || lk.in != 1) return fail("a filter not fed by LZMA or LZMA2 is not supported");
      auto input = in_stream(f, lz->second, depth + 1);
      if (!input) return std::nullopt;
      auto out = lzma_chain({&k, &lk}, *input, size);
      if (!out) return fail("LZMA data does not decode");
      return out;
    }
    auto input = in_stream(f, c->second, depth);
    if (!input) return std::nullopt;
    const ByteView in(*input);
    if (filter) {
      auto out = lzma_chain({&k}, in, size);
      if (!out) return fail(*filter == LZMA_FILTER_LZMA1 ? "LZMA data does not decode" : "LZMA2 data does not decode");
      return out;
    }
    if (is(k, {0x00})) {
      if (in.size() < size) return fail("stored stream shorter than declared");
      return std::vector<std::uint8_t>(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(size));
    }
    if (is(k, {0x04, 0x01, 0x08}) || is(k, {0x04, 0x02, 0x02})) {
      DecodeResult r = decode_stream(k.id.size() == 3 && k.id[2] == 0x08 ? Codec::kDeflate : Codec::kBzip2, in, size);
      if (r.out.size() != size) return fail("Deflate/BZip2 data does not decode");
      return std::move(r.out);
    }
    if (is(k, {0x06, 0xF1, 0x07, 0x01})) return aes(k, in, size);
    char id[32];
    std::string hex;
    for (std::uint8_t b : k.id) {
      std::snprintf(id, sizeof id, "%02x", b);
      hex += id;
    }
    return fail("coder " + hex + " is not supported");
  }

  std::optional<std::vector<std::uint8_t>> aes(const Coder& k, ByteView in, std::uint64_t size) {
    encrypted_ = true;
    if (password_ == nullptr) return fail("AES-256 encrypted (no password given: --password)");
    if (k.props.empty()) return fail("AES coder without properties");
    const std::uint8_t b0 = k.props[0];
    const unsigned power = b0 & 0x3F;
    std::size_t salt_len = 0, iv_len = 0;
    if ((b0 & 0xC0) != 0) {
      if (k.props.size() < 2) return fail("AES properties cut short");
      salt_len = ((b0 >> 7) & 1U) + (k.props[1] >> 4);
      iv_len = ((b0 >> 6) & 1U) + (k.props[1] & 0x0FU);
    }
    if (((b0 & 0xC0) != 0 && 2 + salt_len + iv_len > k.props.size()) || iv_len > 16 || (power > 24 && power != 0x3F)) return fail("AES properties out of range");
    const ByteView props(k.props);
    const ByteView salt = (b0 & 0xC0) ? props.subspan(2, salt_len) : ByteView{};
    std::array<std::uint8_t, 16> iv{};
    if (iv_len > 0) std::memcpy(iv.data(), props.data() + 2 + salt_len, iv_len);
    const std::string memo = std::string(as_chars(salt)) + '\0' + std::to_string(power) + '\0' + *password_;
    auto it = keys_.find(memo);
    if (it == keys_.end()) {
      if (++derivations_ > kMaxKeyDerivations) return fail("more than " + std::to_string(kMaxKeyDerivations) + " AES key derivations in one archive (limit)");
      it = keys_.emplace(memo, aes_key(salt, utf16le(*password_), power)).first;
    }
    const std::size_t n = in.size() / 16 * 16;
    if (n < size) return fail("encrypted stream shorter than its declared size");
    std::vector<std::uint8_t> out(n + 16);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len1 = 0, len2 = 0;
    if (EVP_DecryptInit_ex(c.get(), EVP_aes_256_cbc(), nullptr, it->second.data(), iv.data()) != 1 || EVP_CIPHER_CTX_set_padding(c.get(), 0) != 1 ||
        EVP_DecryptUpdate(c.get(), out.data(), &len1, in.data(), static_cast<int>(n)) != 1 || EVP_DecryptFinal_ex(c.get(), out.data() + len1, &len2) != 1) {
      return fail("AES decryption failed");
    }
    out.resize(static_cast<std::size_t>(size));
    return out;
  }

  std::optional<std::vector<std::uint8_t>> fail(const std::string& why) {
    if (why_.empty()) why_ = why;
    return std::nullopt;
  }

  ByteView a_;
  const Streams& s_;
  const std::string* password_;
  std::uint64_t cap_;
  std::uint32_t& derivations_;
  std::string why_;
  bool encrypted_ = false;
  std::map<std::string, std::array<std::uint8_t, 32>> keys_;
};

struct FileItem {
  std::string name;
  bool has_stream = true, dir = false;
  std::optional<std::int64_t> mtime;
  std::optional<std::uint32_t> attrib;
};

bool parse_files(Cur& c, std::vector<FileItem>& files) {
  const std::uint64_t n = c.count();
  files.resize(static_cast<std::size_t>(n));
  std::vector<bool> empty_stream(static_cast<std::size_t>(n), false), empty_file;
  for (std::uint64_t type = c.number(); c.ok() && type != 0; type = c.number()) {
    const std::uint64_t size = c.count();
    Cur p(c.bytes(size));
    switch (type) {
      case 0x0E: empty_stream = p.bits(n); break;
      case 0x0F: {
        std::uint64_t k = 0;
        for (bool b : empty_stream) k += b ? 1 : 0;
        empty_file = p.bits(k);
        break;
      }
      case 0x11: {
        if (p.byte() != 0) return false;  // external
        for (auto& f : files) {
          std::vector<std::uint8_t> units;
          for (;;) {
            const std::uint8_t lo = p.byte(), hi = p.byte();
            if (!p.ok() || (lo == 0 && hi == 0)) break;
            units.push_back(lo);
            units.push_back(hi);
          }
          f.name = walk::utf16_name(ByteView(units), Endian::kLittle, true);
        }
        break;
      }
      case 0x14: {
        const auto def = p.defined(n);
        if (p.byte() != 0) return false;
        for (std::uint64_t i = 0; i < n && p.ok(); ++i) {
          if (!def[static_cast<std::size_t>(i)]) continue;
          const std::uint64_t ft = p.u64();
          files[static_cast<std::size_t>(i)].mtime = static_cast<std::int64_t>(ft / 10'000'000ULL) - 11644473600LL;
        }
        break;
      }
      case 0x15: {
        const auto def = p.defined(n);
        if (p.byte() != 0) return false;
        for (std::uint64_t i = 0; i < n && p.ok(); ++i) {
          if (def[static_cast<std::size_t>(i)]) files[static_cast<std::size_t>(i)].attrib = p.u32();
        }
        break;
      }
      default: break;  // times, anti-items, padding: not needed
    }
  }
  std::size_t e = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    files[i].has_stream = !empty_stream[i];
    if (empty_stream[i]) {
      const bool is_file = e < empty_file.size() && empty_file[e];
      ++e;
      files[i].dir = !is_file;
    }
    if (files[i].attrib && (*files[i].attrib & 0x10)) files[i].dir = true;
  }
  return c.ok();
}

std::string locked(std::size_t passwords) {
  if (passwords == 0) return "is AES-256 encrypted and no password was given (--password, --password-file)";
  return "is AES-256 encrypted and none of the " + std::to_string(passwords) + " password(s) given opens it";
}

}  // namespace

Result<Extraction> extract_7z_native(ByteView bytes, const std::vector<std::string>& passwords, ExtractContext& ctx) {
  auto off = load_le64(bytes, 12), size = load_le64(bytes, 20);
  if (!has_bytes_at(bytes, 0, "7z\xBC\xAF\x27\x1C") || !off || !size) return make_error(Errc::kMalformed, "signature header", 0);
  auto header = subview(bytes, 32 + std::min<std::uint64_t>(*off, bytes.size()), *size);
  if (!header) return make_error(Errc::kMalformed, "next header lies past the archive's end", 12);
  const std::uint64_t cap = ctx.budget().max_output(bytes.size());
  Extraction ex;
  std::vector<std::uint8_t> decoded;
  std::uint32_t derivations = 0;
  ByteView h = *header;
  // The password that opened the header (when it is encrypted), else tried per folder below.
  std::vector<const std::string*> candidates{nullptr};
  for (std::size_t i = 0; i < std::min(passwords.size(), Limits::kMaxPasswords); ++i) candidates.push_back(&passwords[i]);
  for (int depth = 0; depth < kMaxHeaderDepth; ++depth) {
    Cur c(h);
    const std::uint8_t id = c.byte();
    if (id == 0x01) break;
    if (id != 0x17) return make_error(Errc::kMalformed, "next header is neither a header nor an encoded header", 32 + *off);
    Streams s;
    if (!parse_streams(c, s) || s.folders.empty()) return make_error(Errc::kMalformed, "encoded header's streams", 32 + *off);
    std::optional<std::vector<std::uint8_t>> out;
    std::string why;
    bool encrypted = false;
    for (const std::string* pw : candidates) {
      FolderDecoder d(bytes, s, pw, std::min<std::uint64_t>(cap, 256ULL << 20), derivations);
      out = d.decode(s.folders[0]);
      encrypted = encrypted || d.encrypted();
      if (out && (!s.folders[0].crc || crc32_ieee(ByteView(*out)) == *s.folders[0].crc)) break;
      if (pw != nullptr || !d.encrypted()) why = out ? "header CRC mismatch: wrong password or damaged data" : d.why();
      out.reset();
      if (!d.encrypted()) break;
    }
    if (!out) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, encrypted ? DiagCode::kEncrypted : DiagCode::kMalformed,
                                "the archive's header " + (encrypted ? locked(candidates.size() - 1) : "does not decode") + (why.empty() ? "" : " (" + why + ")"), "", std::nullopt});
      return ex;
    }
    decoded = std::move(*out);
    h = ByteView(decoded);
  }
  Cur c(h);
  if (c.byte() != 0x01) return make_error(Errc::kMalformed, "header nesting deeper than 4", 32 + *off);
  Streams s;
  std::vector<FileItem> files;
  for (std::uint8_t id = c.byte(); c.ok() && id != 0x00; id = c.byte()) {
    if (id == 0x04) {
      if (!parse_streams(c, s)) return make_error(Errc::kMalformed, "main streams info", 32 + *off);
    } else if (id == 0x05) {
      if (!parse_files(c, files)) return make_error(Errc::kMalformed, "files info", 32 + *off);
    } else if (id == 0x02 || id == 0x03) {
      return make_error(Errc::kUnsupported, "archive properties / additional streams", 32 + *off);
    } else {
      return make_error(Errc::kMalformed, "unknown header property " + std::to_string(id), 32 + *off);
    }
  }
  if (!c.ok()) return make_error(Errc::kMalformed, "header cut short", 32 + *off);

  // Substreams in folder order go to the files that have a stream, in file order.
  std::size_t stream = 0, folder = 0;
  std::uint64_t in_folder = 0, offset_in_folder = 0;
  std::optional<std::vector<std::uint8_t>> data;
  const std::string* opened_with = nullptr;
  for (auto& f : files) {
    Child ch = walk::entry(f.name.empty() ? "entry" : f.name);
    if (f.mtime) ch.meta.mtime = f.mtime;
    if (f.attrib && (*f.attrib & 0x8000)) {  // p7zip's Unix extension: the mode in the high half
      walk::unix_meta(ch.meta, *f.attrib >> 16, 0, 0, f.mtime);
      ch.meta.uid.reset();
      ch.meta.gid.reset();
    }
    if (f.dir) ch.meta.kind = EntryKind::kDirectory;
    if (!f.has_stream || f.dir) {
      ex.children.push_back(std::move(ch));
      continue;
    }
    while (folder < s.folders.size() && in_folder >= s.folders[folder].substreams) {
      ++folder;
      in_folder = 0;
      offset_in_folder = 0;
      data.reset();
    }
    if (folder >= s.folders.size() || stream >= s.sub_sizes.size()) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "'" + ch.name + "' has no stream left in the archive", "", std::nullopt});
      break;
    }
    if (in_folder == 0) {
      std::string why;
      bool encrypted = false;
      for (const std::string* pw : candidates) {
        FolderDecoder d(bytes, s, pw, cap, derivations);
        data = d.decode(s.folders[folder]);
        encrypted = encrypted || d.encrypted();
        // The right password: every substream's CRC matches.
        bool good = data.has_value();
        std::uint64_t o = 0;
        for (std::uint64_t k = 0; good && k < s.folders[folder].substreams; ++k) {
          const std::uint64_t len = s.sub_sizes[stream + k];
          if (o + len > data->size()) good = false;
          else if (auto crc = s.sub_crcs[stream + k]; crc && crc32_ieee(ByteView(*data).subspan(o, len)) != *crc) good = false;
          o += len;
        }
        if (good) {
          if (d.encrypted()) opened_with = pw;
          break;
        }
        if (pw != nullptr || !d.encrypted()) why = data ? "CRC mismatch: wrong password or damaged data" : d.why();
        data.reset();
        if (!d.encrypted()) break;
      }
      if (!data) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, encrypted ? DiagCode::kEncrypted : DiagCode::kMalformed,
                                  "folder " + std::to_string(folder) + " (" + std::to_string(s.folders[folder].substreams) + " file(s), from '" + ch.name + "') " +
                                      (encrypted ? locked(candidates.size() - 1) : "does not decode") + (why.empty() ? "" : ": " + why),
                                  "", std::nullopt});
      } else if (opened_with != nullptr) {
        ex.diagnostics.push_back({Severity::kInfo, DiagCode::kDecrypted, "folder " + std::to_string(folder) + " (" + std::to_string(s.folders[folder].substreams) + " file(s)) decrypted with a given password; every CRC-32 matches", "", std::nullopt});
      }
    }
    const std::uint64_t len = s.sub_sizes[stream];
    if (data) {
      if (!walk::charge(ctx, ex, len)) return ex;
      const ByteView part = ByteView(*data).subspan(offset_in_folder, len);
      if (ch.meta.kind == EntryKind::kSymlink) ch.meta.link_target.assign(part.begin(), part.end());
      else ch.data = Blob::own(std::vector<std::uint8_t>(part.begin(), part.end()));
    } else {
      ch.meta.kind = EntryKind::kOther;
    }
    offset_in_folder += len;
    ++in_folder;
    ++stream;
    ex.children.push_back(std::move(ch));
  }
  return ex;
}

}  // namespace fwscan
