#include "formats/archive/arj_decode.hpp"

#include <array>

namespace fwscan::arj {
namespace {

constexpr int kCodeBits = 16;
constexpr int kThreshold = 3;
constexpr int kMaxMatch = 256;
constexpr int kNC = 255 + kMaxMatch + 2 - kThreshold;  // 510 literal/length symbols
constexpr int kNP = 16 + 1;                            // position symbols (dictionary bits + 1)
constexpr int kNT = kCodeBits + 3;                     // code-length symbols
constexpr int kCBits = 9, kPBits = 5, kTBits = 5;
constexpr int kNPT = kNT > kNP ? kNT : kNP;
constexpr std::uint64_t kWindow = 26624;  // ARJ's dictionary (positions beyond it are invalid)

// MSB-first bits; zeros past the end.
class Bits {
 public:
  explicit Bits(ByteView v) : v_(v) {}
  // The next 16 bits (ar002's bitbuf).
  std::uint32_t peek16() const {
    std::uint32_t x = 0;
    for (int i = 0; i < 16; ++i) x = (x << 1) | bit_at(pos_ + static_cast<std::uint64_t>(i));
    return x;
  }
  void skip(int n) { pos_ += static_cast<std::uint64_t>(n); }
  std::uint32_t get(int n) {
    if (n == 0) return 0;
    const std::uint32_t x = peek16() >> (16 - n);
    skip(n);
    return x;
  }
  // Whole bytes consumed beyond the data: a decoder that ran this far is reading garbage.
  bool overrun() const { return pos_ > v_.size() * 8 + 64; }

 private:
  std::uint32_t bit_at(std::uint64_t p) const {
    const std::uint64_t byte = p >> 3;
    if (byte >= v_.size()) return 0;
    return (v_[byte] >> (7 - (p & 7))) & 1U;
  }
  ByteView v_;
  std::uint64_t pos_ = 0;
};

class Lzh {
 public:
  explicit Lzh(ByteView packed) : bits_(packed) {}

  Result<std::vector<std::uint8_t>> run(std::uint64_t size) {
    std::vector<std::uint8_t> out;
    out.reserve(static_cast<std::size_t>(size));
    while (out.size() < size) {
      auto c = decode_c();
      if (!c) return c.error();
      if (*c < 256) {
        out.push_back(static_cast<std::uint8_t>(*c));
        continue;
      }
      const std::uint64_t length = static_cast<std::uint64_t>(*c) - (256 - kThreshold);
      auto p = decode_p();
      if (!p) return p.error();
      const std::uint64_t distance = static_cast<std::uint64_t>(*p) + 1;
      if (distance > out.size() || distance > kWindow) return make_error(Errc::kMalformed, "ARJ: match reaches before the data");
      for (std::uint64_t k = 0; k < length && out.size() < size; ++k) out.push_back(out[out.size() - distance]);
      if (bits_.overrun()) return make_error(Errc::kMalformed, "ARJ: compressed data ends early");
    }
    return out;
  }

 private:
  // ar002's make_table: a direct table of `table_bits` bits, longer codes in a binary tree.
  Status make_table(int nchar, const std::uint8_t* bitlen, int table_bits, std::uint16_t* table, std::size_t table_size) {
    std::array<std::uint32_t, 18> count{}, start{}, weight{};
    for (int i = 0; i < nchar; ++i) {
      if (bitlen[i] > 16) return make_error(Errc::kMalformed, "ARJ: code length over 16");
      ++count[bitlen[i]];
    }
    start[1] = 0;
    for (int i = 1; i <= 16; ++i) start[i + 1] = start[i] + (count[i] << (16 - i));
    if (start[17] != (1U << 16)) return make_error(Errc::kMalformed, "ARJ: Huffman table is not complete");
    const int jut = 16 - table_bits;
    int i = 1;
    for (; i <= table_bits; ++i) {
      start[i] >>= jut;
      weight[i] = 1U << (table_bits - i);
    }
    for (; i <= 16; ++i) weight[i] = 1U << (16 - i);
    std::uint32_t fill = start[table_bits + 1] >> jut;
    const std::uint32_t k_end = 1U << table_bits;
    if (k_end > table_size) return make_error(Errc::kInternal, "ARJ: table size");
    while (fill < k_end) table[fill++] = 0;
    int avail = nchar;
    const std::uint32_t mask = 1U << (15 - table_bits);
    for (int ch = 0; ch < nchar; ++ch) {
      const int len = bitlen[ch];
      if (len == 0) continue;
      const std::uint32_t next = start[len] + weight[len];
      if (len <= table_bits) {
        if (next > k_end) return make_error(Errc::kMalformed, "ARJ: Huffman table overflows");
        for (std::uint32_t j = start[len]; j < next; ++j) table[j] = static_cast<std::uint16_t>(ch);
      } else {
        std::uint32_t k = start[len];
        if ((k >> jut) >= k_end) return make_error(Errc::kMalformed, "ARJ: Huffman table overflows");
        std::uint16_t* p = &table[k >> jut];
        for (int depth = len - table_bits; depth > 0; --depth) {
          if (*p == 0) {
            if (avail >= static_cast<int>(left_.size())) return make_error(Errc::kMalformed, "ARJ: Huffman tree overflows");
            left_[static_cast<std::size_t>(avail)] = right_[static_cast<std::size_t>(avail)] = 0;
            *p = static_cast<std::uint16_t>(avail++);
          }
          if (*p >= left_.size()) return make_error(Errc::kMalformed, "ARJ: Huffman tree reference");
          p = (k & mask) ? &right_[*p] : &left_[*p];
          k <<= 1;
        }
        *p = static_cast<std::uint16_t>(ch);
      }
      start[len] = next;
    }
    return {};
  }

  // Follows the tree below a direct-table entry for codes longer than the table's bits.
  Result<int> walk(int j, int limit, std::uint32_t first_mask) {
    std::uint32_t mask = first_mask;
    const std::uint32_t buf = bits_.peek16();
    for (int steps = 0; j >= limit; ++steps) {
      if (steps > 16 || static_cast<std::size_t>(j) >= left_.size()) return make_error(Errc::kMalformed, "ARJ: bad Huffman code");
      j = (buf & mask) ? right_[static_cast<std::size_t>(j)] : left_[static_cast<std::size_t>(j)];
      mask >>= 1;
    }
    return j;
  }

  Status read_pt_len(int nn, int nbit, int special) {
    const int n = static_cast<int>(bits_.get(nbit));
    if (n > nn) return make_error(Errc::kMalformed, "ARJ: too many code lengths");
    if (n == 0) {
      const auto c = static_cast<std::uint16_t>(bits_.get(nbit));
      if (c >= nn) return make_error(Errc::kMalformed, "ARJ: bad single code");
      pt_len_.fill(0);
      pt_table_.fill(c);
      return {};
    }
    int i = 0;
    while (i < n) {
      int c = static_cast<int>(bits_.peek16() >> 13);
      if (c == 7) {
        std::uint32_t mask = 1U << 12;
        while (mask & bits_.peek16()) {
          mask >>= 1;
          ++c;
          if (c > 16) return make_error(Errc::kMalformed, "ARJ: code length over 16");
        }
      }
      bits_.skip(c < 7 ? 3 : c - 3);
      pt_len_[static_cast<std::size_t>(i++)] = static_cast<std::uint8_t>(c);
      if (i == special) {
        int zeros = static_cast<int>(bits_.get(2));
        while (zeros-- > 0) {
          if (i >= nn) return make_error(Errc::kMalformed, "ARJ: too many code lengths");
          pt_len_[static_cast<std::size_t>(i++)] = 0;
        }
      }
    }
    while (i < nn) pt_len_[static_cast<std::size_t>(i++)] = 0;
    return make_table(nn, pt_len_.data(), 8, pt_table_.data(), pt_table_.size());
  }

  Status read_c_len() {
    const int n = static_cast<int>(bits_.get(kCBits));
    if (n > kNC) return make_error(Errc::kMalformed, "ARJ: too many literal code lengths");
    if (n == 0) {
      const auto c = static_cast<std::uint16_t>(bits_.get(kCBits));
      if (c >= kNC) return make_error(Errc::kMalformed, "ARJ: bad single literal code");
      c_len_.fill(0);
      c_table_.fill(c);
      return {};
    }
    int i = 0;
    while (i < n) {
      auto c = walk(pt_table_[bits_.peek16() >> 8], kNT, 1U << 7);
      if (!c) return c.error();
      bits_.skip(pt_len_[static_cast<std::size_t>(*c)]);
      if (*c <= 2) {
        int zeros = *c == 0 ? 1 : (*c == 1 ? static_cast<int>(bits_.get(4)) + 3 : static_cast<int>(bits_.get(kCBits)) + 20);
        if (i + zeros > kNC) return make_error(Errc::kMalformed, "ARJ: too many literal code lengths");
        while (zeros-- > 0) c_len_[static_cast<std::size_t>(i++)] = 0;
      } else {
        c_len_[static_cast<std::size_t>(i++)] = static_cast<std::uint8_t>(*c - 2);
      }
    }
    while (i < kNC) c_len_[static_cast<std::size_t>(i++)] = 0;
    return make_table(kNC, c_len_.data(), 12, c_table_.data(), c_table_.size());
  }

  Result<int> decode_c() {
    if (block_left_ == 0) {
      block_left_ = bits_.get(16);
      if (block_left_ == 0) return make_error(Errc::kMalformed, "ARJ: empty block");
      if (auto s = read_pt_len(kNT, kTBits, 3); !s) return s.error();
      if (auto s = read_c_len(); !s) return s.error();
      if (auto s = read_pt_len(kNP, kPBits, -1); !s) return s.error();
    }
    --block_left_;
    auto j = walk(c_table_[bits_.peek16() >> 4], kNC, 1U << 3);
    if (!j) return j;
    bits_.skip(c_len_[static_cast<std::size_t>(*j)]);
    return j;
  }

  Result<int> decode_p() {
    auto j = walk(pt_table_[bits_.peek16() >> 8], kNP, 1U << 7);
    if (!j) return j;
    bits_.skip(pt_len_[static_cast<std::size_t>(*j)]);
    if (*j == 0) return 0;
    const int b = *j - 1;
    return (1 << b) + static_cast<int>(bits_.get(b));
  }

  Bits bits_;
  std::uint32_t block_left_ = 0;
  std::array<std::uint8_t, kNC> c_len_{};
  std::array<std::uint8_t, kNPT> pt_len_{};
  std::array<std::uint16_t, 4096> c_table_{};
  std::array<std::uint16_t, 256> pt_table_{};
  std::array<std::uint16_t, 2 * kNC - 1> left_{}, right_{};
};

// Method 4: a length of 0 is a literal byte; positions in 9-12 bit fields after a unary prefix.
Result<std::vector<std::uint8_t>> decode_fastest(ByteView packed, std::uint64_t size) {
  Bits bits(packed);
  auto unary_field = [&](int first_width, int stop_width) {
    std::uint32_t plus = 0, power = 1U << first_width;
    int width = first_width;
    for (; width < stop_width; ++width) {
      if (bits.get(1) == 0) break;
      plus += power;
      power <<= 1;
    }
    return bits.get(width) + plus;
  };
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(size));
  while (out.size() < size) {
    const std::uint32_t c = unary_field(0, 7);
    if (c == 0) {
      out.push_back(static_cast<std::uint8_t>(bits.get(8)));
    } else {
      const std::uint64_t length = c - 1 + kThreshold;
      const std::uint64_t distance = static_cast<std::uint64_t>(unary_field(9, 13)) + 1;
      if (distance > out.size()) return make_error(Errc::kMalformed, "ARJ: match reaches before the data");
      for (std::uint64_t k = 0; k < length && out.size() < size; ++k) out.push_back(out[out.size() - distance]);
    }
    if (bits.overrun()) return make_error(Errc::kMalformed, "ARJ: compressed data ends early");
  }
  return out;
}

}  // namespace

Result<std::vector<std::uint8_t>> decode(ByteView packed, int method, std::uint64_t original_size) {
  if (method >= 1 && method <= 3) return Lzh(packed).run(original_size);
  if (method == 4) return decode_fastest(packed, original_size);
  return make_error(Errc::kUnsupported, "ARJ method " + std::to_string(method));
}

}  // namespace fwscan::arj
