// SquashFS (camera-formats.md 4.3). Little-endian 4.0 is read through libsquashfs from memory;
// 2.x, 3.x and big-endian 4.0 through the native reader (squashfs_native.cpp).
// Superblock (96 bytes): 00 magic "hsqs"  04 inodes  08 mkfs_time  0c block_size  10 fragments
//   14 compression u16  16 block_log u16  18 flags u16  1a no_ids u16  1c s_major  1e s_minor
//   20 root_inode u64  28 bytes_used u64  30.. table offsets
// The extent is bytes_used; the zero padding to 4 KiB after it is left as a padding region.
#include <sqfs/block.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include <libdeflate.h>
#include <lzo/lzo1x.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "core/reader.hpp"
#include "core/worker_pool.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/filesystem/squashfs_native.hpp"
#include "unpack/give_later.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSuperSize = 96;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr int kMaxDirDepth = 256;  // directory levels walked
#define FWSCAN_SQ_PAD "?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? "
// hsqs / sqsh, then the vendor magics of the same layouts: shsq, hsqt (little-endian); sqlz,
// qshs, tqsh (big-endian).
#define FWSCAN_SQ_LE(m) {m " " FWSCAN_SQ_PAD "04 00"}, {m " " FWSCAN_SQ_PAD "03 00"}, {m " " FWSCAN_SQ_PAD "02 00"}
#define FWSCAN_SQ_BE(m) {m " " FWSCAN_SQ_PAD "00 04"}, {m " " FWSCAN_SQ_PAD "00 03"}, {m " " FWSCAN_SQ_PAD "00 02"}
constexpr Magic kMagics[] = {FWSCAN_SQ_LE("68 73 71 73"), FWSCAN_SQ_BE("73 71 73 68"), FWSCAN_SQ_LE("73 68 73 71"), FWSCAN_SQ_LE("68 73 71 74"),
                             FWSCAN_SQ_BE("73 71 6c 7a"), FWSCAN_SQ_BE("71 73 68 73"), FWSCAN_SQ_BE("74 71 73 68")};
#undef FWSCAN_SQ_LE
#undef FWSCAN_SQ_BE
#undef FWSCAN_SQ_PAD
constexpr std::string_view kRefs[] = {"linux fs/squashfs/squashfs_fs.h", "libsquashfs (squashfs-tools-ng)",
                                      "squashfs-tools squashfs_compat.h (2.x/3.x layouts)"};
constexpr std::string_view kLimits[] = {"layout 1.x is not opened",
                                        "extended attributes are not reported"};
constexpr HandlerInfo kInfo{"squashfs", Category::kFilesystem, "SquashFS 2.x, 3.x, 4.0 (both byte orders; vendor LZMA framings and magics)", kMagics, kRefs, kLimits};

std::string_view compressor_name(std::uint16_t id) {
  switch (id) {
    case 1: return "gzip"; case 2: return "lzma"; case 3: return "lzo";
    case 4: return "xz"; case 5: return "lz4"; case 6: return "zstd"; default: return "unknown";
  }
}

std::string sqfs_error_text(int err) {
  switch (err) {
    case SQFS_ERROR_ALLOC: return "allocation failed";
    case SQFS_ERROR_IO: return "read error";
    case SQFS_ERROR_COMPRESSOR: return "decompression failed";
    case SQFS_ERROR_CORRUPTED: return "corrupted";
    case SQFS_ERROR_UNSUPPORTED: return "unsupported feature";
    case SQFS_ERROR_OVERFLOW: return "size overflow";
    case SQFS_ERROR_OUT_OF_BOUNDS: return "reference past the end of the image";
    case SQFS_ERROR_SUPER_BLOCK_SIZE: return "invalid block size";
    case SQFS_ERROR_NOT_DIR: return "not a directory";
    case SQFS_ERROR_NO_ENTRY: return "no such entry";
    case SQFS_ERROR_LINK_LOOP: return "directory loop";
    case SQFS_ERROR_NOT_FILE: return "not a file";
    default: return "libsquashfs error " + std::to_string(err);
  }
}

// A read-only sqfs_file_t over memory.
struct MemFile {
  sqfs_file_t file;
  ByteView data;
};

int mem_read_at(sqfs_file_t* f, sqfs_u64 offset, void* buffer, size_t size) {
  const auto* m = reinterpret_cast<const MemFile*>(f);  // NOLINT: file is the first member
  if (!range_fits(offset, size, m->data.size())) return SQFS_ERROR_OUT_OF_BOUNDS;
  std::memcpy(buffer, m->data.data() + offset, size);
  return 0;
}
int mem_write_at(sqfs_file_t*, sqfs_u64, const void*, size_t) { return SQFS_ERROR_IO; }
sqfs_u64 mem_get_size(const sqfs_file_t* f) {
  return reinterpret_cast<const MemFile*>(f)->data.size();  // NOLINT
}
int mem_truncate(sqfs_file_t*, sqfs_u64) { return SQFS_ERROR_IO; }
void mem_destroy(sqfs_object_t*) {}

// Decompressors of fwscan's own behind libsquashfs's interface, decode only (options do not
// affect decoding):
//   * LZO: Debian's libsquashfs is built without it; liblzo2 fills the gap;
//   * gzip (zlib streams): libdeflate, whole buffer to whole buffer, about twice as fast as
//     zlib's streaming inflate, which was a tenth of a scan of a gzip root file system.
struct BlockDecompressor {
  sqfs_compressor_t cmp;  // first member: libsquashfs sees only this
  SQFS_COMPRESSOR id;
  std::uint32_t block_size;
  libdeflate_decompressor* deflate = nullptr;
};

BlockDecompressor& self_of(sqfs_compressor_t* cmp) { return *reinterpret_cast<BlockDecompressor*>(cmp); }  // NOLINT: first member

sqfs_s32 lzo_do_block(sqfs_compressor_t*, const sqfs_u8* in, sqfs_u32 size, sqfs_u8* out, sqfs_u32 outsize) {
  lzo_uint out_len = outsize;
  const int r = lzo1x_decompress_safe(in, size, out, &out_len, nullptr);
  if (r != LZO_E_OK && r != LZO_E_INPUT_NOT_CONSUMED) return SQFS_ERROR_COMPRESSOR;
  return static_cast<sqfs_s32>(out_len);
}
sqfs_s32 deflate_do_block(sqfs_compressor_t* cmp, const sqfs_u8* in, sqfs_u32 size, sqfs_u8* out, sqfs_u32 outsize) {
  std::size_t in_used = 0, out_len = 0;
  const libdeflate_result r = libdeflate_zlib_decompress_ex(self_of(cmp).deflate, in, size, out, outsize, &in_used, &out_len);
  if (r != LIBDEFLATE_SUCCESS) return SQFS_ERROR_COMPRESSOR;
  return static_cast<sqfs_s32>(out_len);
}
void decode_only_get_configuration(const sqfs_compressor_t* cmp, sqfs_compressor_config_t* cfg) {
  const auto& self = self_of(const_cast<sqfs_compressor_t*>(cmp));  // NOLINT: read only
  std::memset(cfg, 0, sizeof *cfg);
  cfg->id = static_cast<sqfs_u16>(self.id);
  cfg->block_size = self.block_size;
  cfg->flags = SQFS_COMP_FLAG_UNCOMPRESS;
}
int decode_only_write_options(sqfs_compressor_t*, sqfs_file_t*) { return SQFS_ERROR_UNSUPPORTED; }
int decode_only_read_options(sqfs_compressor_t*, sqfs_file_t*) { return 0; }
void decode_only_destroy(sqfs_object_t* obj) {
  auto* self = reinterpret_cast<BlockDecompressor*>(obj);  // NOLINT: first member
  if (self->deflate != nullptr) libdeflate_free_decompressor(self->deflate);
  delete self;
}

// Null for another compressor, or when the library cannot start.
sqfs_compressor_t* make_block_decompressor(SQFS_COMPRESSOR id, std::uint32_t block_size) {
  if (id != SQFS_COMP_LZO && id != SQFS_COMP_GZIP) return nullptr;
  static const bool lzo_ready = lzo_init() == LZO_E_OK;
  if (id == SQFS_COMP_LZO && !lzo_ready) return nullptr;
  libdeflate_decompressor* deflate = nullptr;
  if (id == SQFS_COMP_GZIP && (deflate = libdeflate_alloc_decompressor()) == nullptr) return nullptr;
  auto* d = new BlockDecompressor{};
  d->cmp.base.destroy = decode_only_destroy;
  d->cmp.base.copy = nullptr;
  d->cmp.get_configuration = decode_only_get_configuration;
  d->cmp.write_options = decode_only_write_options;
  d->cmp.read_options = decode_only_read_options;
  d->cmp.do_block = id == SQFS_COMP_LZO ? lzo_do_block : deflate_do_block;
  d->id = id;
  d->block_size = block_size;
  d->deflate = deflate;
  return &d->cmp;
}

struct SqfsDeleter {
  void operator()(void* p) const { sqfs_destroy(p); }
};
struct FreeDeleter {
  void operator()(void* p) const { sqfs_free(p); }
};
using InodePtr = std::unique_ptr<sqfs_inode_generic_t, FreeDeleter>;

struct FileToDecode {
  std::size_t child;  // index in the Extraction's children
  std::string name;
  InodePtr inode;
  std::uint64_t size;  // cut to the output cap, charged to the budget
};

// One image being read: its bytes, libsquashfs's objects, and the entries still to give.
// Members are destroyed in reverse order: readers before their compressors, all before the bytes.
struct Image {
  Blob chunk;
  MemFile mf{};
  sqfs_super_t super{};
  sqfs_compressor_config_t cfg{};
  int create_err = 0, options_err = 0;
  std::mutex make_mutex;  // the compressor factory reports through create_err/options_err
  std::unique_ptr<sqfs_compressor_t, SqfsDeleter> cmp;
  std::unique_ptr<sqfs_data_reader_t, SqfsDeleter> data;
  struct Decoder {
    std::unique_ptr<sqfs_compressor_t, SqfsDeleter> cmp;
    std::unique_ptr<sqfs_data_reader_t, SqfsDeleter> data;
  };
  std::vector<Decoder> decoders;  // by worker; worker 0 uses `data`
  std::vector<FileToDecode> files;  // in walk order
  std::size_t next_file = 0;

  // A decompressor for the image, with its options read: one for the tables, and one more for
  // each thread that decodes files (a decompressor keeps stream state).
  std::unique_ptr<sqfs_compressor_t, SqfsDeleter> make_compressor() {
    sqfs_compressor_t* raw = nullptr;
    if (super.compression_id == SQFS_COMP_GZIP) {
      raw = make_block_decompressor(SQFS_COMP_GZIP, super.block_size);
      create_err = raw == nullptr ? SQFS_ERROR_ALLOC : 0;
      return std::unique_ptr<sqfs_compressor_t, SqfsDeleter>(raw);
    }
    create_err = sqfs_compressor_create(&cfg, &raw);
    if ((create_err != 0 || raw == nullptr) && super.compression_id == SQFS_COMP_LZO) {
      raw = make_block_decompressor(SQFS_COMP_LZO, super.block_size);
      create_err = raw == nullptr ? SQFS_ERROR_COMPRESSOR : 0;
    }
    if (create_err != 0 || raw == nullptr) return nullptr;
    std::unique_ptr<sqfs_compressor_t, SqfsDeleter> made(raw);
    if ((super.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) != 0) options_err = made->read_options(made.get(), &mf.file);
    return made;
  }

  // Decodes one file's data into a Blob; a message on damage (the bytes read so far are kept).
  Blob decode(const FileToDecode& f, unsigned worker, std::optional<std::string>& damage) {
    sqfs_data_reader_t* reader = worker == 0 ? data.get() : nullptr;
    if (reader == nullptr) {
      Decoder& d = decoders[worker];
      if (!d.data) {
        {
          const std::lock_guard<std::mutex> lock(make_mutex);
          d.cmp = make_compressor();
        }
        if (d.cmp) d.data.reset(sqfs_data_reader_create(&mf.file, super.block_size, d.cmp.get(), 0));
        // Its fragment table is the one the first reader loaded, and reported on.
        if (d.data) sqfs_data_reader_load_fragment_table(d.data.get(), &super);
      }
      reader = d.data.get();
    }
    if (reader == nullptr) {
      damage = "no decompressor for this thread";
      return {};
    }
    auto buffer = OutputBuffer::make(f.size);
    if (!buffer) {
      damage = buffer.error().message;
      return {};
    }
    // Block by block: a sparse block (on-disk size 0) is a hole, never written.
    const std::size_t blocks = sqfs_inode_get_file_block_count(f.inode.get());
    std::uint64_t pos = 0;
    while (pos < f.size) {
      std::uint64_t want = std::min<std::uint64_t>(f.size - pos, super.block_size);
      const std::uint64_t index = pos / super.block_size;
      if (index < blocks && SQFS_IS_SPARSE_BLOCK(f.inode->extra[index])) {
        buffer->append_hole(want);
        pos += want;
        continue;
      }
      std::uint8_t* to = buffer->write_window(pos, want);
      const sqfs_s32 got = to == nullptr ? 0 : sqfs_data_reader_read(reader, f.inode.get(), pos, to, static_cast<sqfs_u32>(want));
      if (got <= 0) {
        damage = (got < 0 ? sqfs_error_text(got) : std::string("short read")) + " at byte " + std::to_string(pos);
        buffer->resize(pos);
        break;
      }
      buffer->resize(pos + static_cast<std::uint64_t>(got));
      pos += static_cast<std::uint64_t>(got);
    }
    return Blob::adopt(std::move(*buffer));
  }
};

// Decodes the next files, about ctx.batch_bytes() of them (one at least), on the pool: a
// decompressor and a data reader per thread, each file into its own slot, given in walk order.
MoreBytes next_batch(Image& im, ExtractContext& ctx) {
  std::size_t last_file = im.next_file;
  std::uint64_t bytes = 0;
  while (last_file < im.files.size() && (last_file == im.next_file || bytes + im.files[last_file].size <= ctx.batch_bytes())) {
    bytes += im.files[last_file].size;
    ++last_file;
  }
  const std::size_t first_file = im.next_file, n = last_file - first_file;
  const unsigned threads = ctx.pool() != nullptr && n > 1 ? ctx.pool()->jobs() : 1;
  if (im.decoders.size() < threads) im.decoders.resize(threads);
  std::vector<std::optional<std::string>> damage(n);
  std::vector<Blob> decoded(n);
  auto decode = [&](std::size_t i, unsigned worker) { decoded[i] = im.decode(im.files[first_file + i], worker, damage[i]); };
  if (threads > 1) {
    ctx.pool()->run(n, decode);
  } else {
    for (std::size_t i = 0; i < n; ++i) decode(i, 0);
  }
  MoreBytes out;
  for (std::size_t i = 0; i < n; ++i) {
    FileToDecode& f = im.files[first_file + i];
    if (damage[i]) {
      out.complete = false;
      out.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "file '" + f.name + "': " + *damage[i], "", std::nullopt});
    }
    out.bytes.emplace_back(f.child, std::move(decoded[i]));
    f.inode.reset();
  }
  im.next_file = last_file;
  return out;
}

class SquashfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    if (auto p = squashfs_native_probe(at)) {
      std::string desc = "SquashFS " + std::to_string(p->major) + "." + std::to_string(p->minor) + (p->big_endian ? " BE, " : " LE, ") +
                         (p->magic == "hsqs" || p->magic == "sqsh" ? "" : "magic " + p->magic + ", ") +
                         p->compression + ", " + std::to_string(p->inodes) + " inodes, block " + human_size(p->block_size);
      if (p->bytes_used > at.size()) return Chunk{start, at.size(), Confidence::kLow, desc + ", truncated (bytes_used " + std::to_string(p->bytes_used) + ")"};
      return Chunk{start, p->bytes_used, Confidence::kHigh, desc + ", " + human_size(p->bytes_used)};
    }
    if (!has_bytes_at(at, 0, "hsqs") || load_le16(at, 28) != 4) return std::nullopt;
    Reader r(at, Endian::kLittle);
    if (!r.seek(12)) return std::nullopt;
    auto block_size = load_le32(at, 12);
    auto compression = load_le16(at, 20);
    auto block_log = load_le16(at, 22);
    auto inodes = load_le32(at, 4);
    auto bytes_used = load_le64(at, 40);
    if (!block_size || !compression || !block_log || !inodes || !bytes_used) return std::nullopt;
    if (*block_log < 12 || *block_log > 20 || *block_size != (1U << *block_log)) return std::nullopt;
    if (*compression < 1 || *compression > 6 || *bytes_used < kSuperSize) return std::nullopt;
    std::string desc = "SquashFS 4.0 LE, " + std::string(compressor_name(*compression)) + ", " +
                       std::to_string(*inodes) + " inodes, block " + human_size(*block_size);
    if (*bytes_used > at.size()) {
      return Chunk{start, at.size(), Confidence::kLow, desc + ", truncated (bytes_used " + std::to_string(*bytes_used) + ")"};
    }
    return Chunk{start, *bytes_used, Confidence::kHigh, desc + ", " + human_size(*bytes_used)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    if (squashfs_native_probe(chunk.bytes())) return squashfs_native_extract(chunk.bytes(), ctx);
    // What reading the image needs, shared with the continuation that decodes the later batches
    // of files (Extraction::more): it keeps the chunk's bytes, and libsquashfs's objects.
    auto image = std::make_shared<Image>();
    image->chunk = chunk;
    MemFile& mf = image->mf;
    mf.file.base.destroy = mem_destroy;
    mf.file.base.copy = nullptr;
    mf.file.read_at = mem_read_at;
    mf.file.write_at = mem_write_at;
    mf.file.get_size = mem_get_size;
    mf.file.truncate = mem_truncate;
    mf.data = image->chunk.bytes();
    sqfs_file_t* file = &mf.file;

    sqfs_super_t& super = image->super;
    if (int e = sqfs_super_read(&super, file); e != 0) {
      return make_error(Errc::kMalformed, "superblock: " + sqfs_error_text(e), 0);
    }
    sqfs_compressor_config_t& cfg = image->cfg;
    if (int e = sqfs_compressor_config_init(&cfg, static_cast<SQFS_COMPRESSOR>(super.compression_id),
                                            super.block_size, SQFS_COMP_FLAG_UNCOMPRESS);
        e != 0 && super.compression_id != SQFS_COMP_LZO) {
      return make_error(Errc::kUnsupported, "compressor " + std::string(compressor_name(super.compression_id)) + ": " + sqfs_error_text(e), 20);
    }
    image->cmp = image->make_compressor();
    auto& cmp = image->cmp;
    if (!cmp) {
      return make_error(Errc::kUnsupported, "compressor " + std::string(compressor_name(super.compression_id)) + ": " + sqfs_error_text(image->create_err), 20);
    }
    Extraction ex;
    if (image->options_err != 0) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "compressor options: " + sqfs_error_text(image->options_err), "", kSuperSize});
    }
    std::unique_ptr<sqfs_id_table_t, SqfsDeleter> ids(sqfs_id_table_create(0));
    if (!ids) return make_error(Errc::kInternal, "id table allocation failed");
    if (int e = sqfs_id_table_read(ids.get(), file, &super, cmp.get()); e != 0) {
      return make_error(Errc::kMalformed, "id table: " + sqfs_error_text(e), super.id_table_start);
    }
    std::unique_ptr<sqfs_dir_reader_t, SqfsDeleter> dir(sqfs_dir_reader_create(&super, cmp.get(), file, 0));
    if (!dir) return make_error(Errc::kMalformed, "directory reader could not be created");
    image->data.reset(sqfs_data_reader_create(file, super.block_size, cmp.get(), 0));
    auto& data = image->data;
    if (!data) return make_error(Errc::kInternal, "data reader allocation failed");
    if (int e = sqfs_data_reader_load_fragment_table(data.get(), &super); e != 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "fragment table: " + sqfs_error_text(e), "", super.fragment_table_start});
    }
    // A depth-first walk that reads one directory at a time (sqfs_dir_reader_open_dir), not
    // libsquashfs's full hierarchy: a directory graph whose levels name the next directory twice
    // would build 2^depth tree nodes before any limit is checked. A directory inode is walked
    // once: reached again, it is a loop or a shared directory, reported and not walked.
    sqfs_inode_generic_t* root_raw = nullptr;
    if (int e = sqfs_dir_reader_get_root_inode(dir.get(), &root_raw); e != 0 || root_raw == nullptr) {
      return make_error(Errc::kMalformed, "root inode: " + sqfs_error_text(e), super.root_inode_ref >> 16);
    }
    InodePtr root(root_raw);
    struct Item {
      InodePtr inode;
      std::string path;
      int depth = 0;
    };
    std::vector<Item> stack;
    std::set<std::uint32_t> walked{root->base.inode_number};
    std::uint32_t count = 0;
    bool stop = false;
    // Lists directory `inode` (at `path`, `depth`) onto the stack, in on-disk order.
    auto list_dir = [&](const sqfs_inode_generic_t* inode, const std::string& path, int depth) {
      if (int e = sqfs_dir_reader_open_dir(dir.get(), inode, SQFS_DIR_OPEN_NO_DOT_ENTRIES); e != 0) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "directory '" + (path.empty() ? std::string("/") : path) + "': " + sqfs_error_text(e), "", std::nullopt});
        return;
      }
      std::vector<Item> listed;
      while (true) {
        sqfs_dir_entry_t* ent_raw = nullptr;
        const int r = sqfs_dir_reader_read(dir.get(), &ent_raw);
        if (r > 0) break;
        if (r < 0 || ent_raw == nullptr) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "directory '" + (path.empty() ? std::string("/") : path) + "': " + sqfs_error_text(r), "", std::nullopt});
          break;
        }
        std::unique_ptr<sqfs_dir_entry_t, FreeDeleter> ent(ent_raw);
        const std::string name(reinterpret_cast<const char*>(ent->name), std::size_t{ent->size} + 1);  // NOLINT: C flexible array
        if (name == "." || name == ".." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "directory '" + path + "' names an entry '" + name + "': skipped", "", std::nullopt});
          continue;
        }
        if (count + listed.size() + stack.size() >= kMaxEntries) {
          stop = true;
          break;
        }
        sqfs_inode_generic_t* child_raw = nullptr;
        if (int e = sqfs_dir_reader_get_inode(dir.get(), &child_raw); e != 0 || child_raw == nullptr) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "entry '" + (path.empty() ? name : path + "/" + name) + "': inode: " + sqfs_error_text(e), "", std::nullopt});
          continue;
        }
        listed.push_back({InodePtr(child_raw), path.empty() ? name : path + "/" + name, depth + 1});
      }
      for (auto it = listed.rbegin(); it != listed.rend(); ++it) stack.push_back(std::move(*it));
    };
    std::vector<FileToDecode>& files = image->files;
    list_dir(root.get(), "", 0);
    while (!stack.empty() && !stop) {
      Item item = std::move(stack.back());
      stack.pop_back();
      ++count;
      const sqfs_inode_generic_t* inode = item.inode.get();
      Child c;
      c.name = item.path;
      c.origin = ChildOrigin::kDecoded;
      c.meta.mode = inode->base.mode & 07777;
      sqfs_u32 uid = 0, gid = 0;
      if (sqfs_id_table_index_to_id(ids.get(), inode->base.uid_idx, &uid) == 0) c.meta.uid = uid;
      if (sqfs_id_table_index_to_id(ids.get(), inode->base.gid_idx, &gid) == 0) c.meta.gid = gid;
      c.meta.mtime = inode->base.mod_time;
      switch (inode->base.type) {
        case SQFS_INODE_DIR: case SQFS_INODE_EXT_DIR: c.meta.kind = EntryKind::kDirectory; break;
        case SQFS_INODE_FILE: case SQFS_INODE_EXT_FILE: c.meta.kind = EntryKind::kFile; break;
        case SQFS_INODE_SLINK: case SQFS_INODE_EXT_SLINK: {
          c.meta.kind = EntryKind::kSymlink;
          const auto* target = reinterpret_cast<const char*>(inode->extra);  // NOLINT: C flexible array
          const std::size_t n = std::min<std::size_t>(inode->data.slink.target_size, inode->payload_bytes_used);
          c.meta.link_target.assign(target, n);
          break;
        }
        case SQFS_INODE_BDEV: case SQFS_INODE_EXT_BDEV:
        case SQFS_INODE_CDEV: case SQFS_INODE_EXT_CDEV: {
          const bool blk = inode->base.type == SQFS_INODE_BDEV || inode->base.type == SQFS_INODE_EXT_BDEV;
          c.meta.kind = blk ? EntryKind::kBlockDevice : EntryKind::kCharDevice;
          const std::uint32_t devno = inode->data.dev.devno;
          c.meta.dev_major = (devno & 0xFFF00) >> 8;
          c.meta.dev_minor = (devno & 0xFF) | ((devno >> 12) & 0xFFF00);
          break;
        }
        case SQFS_INODE_FIFO: case SQFS_INODE_EXT_FIFO: c.meta.kind = EntryKind::kFifo; break;
        default: c.meta.kind = EntryKind::kSocket; break;
      }
      if (c.meta.kind == EntryKind::kFile) {
        sqfs_u64 size = 0;
        sqfs_inode_get_file_size(inode, &size);
        const std::uint64_t cap = ctx.budget().max_output(chunk.size());
        if (size > cap) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "file '" + c.name + "' (" + human_size(size) +
                                    ") is over the output budget; cut", "", std::nullopt});
          size = cap;
        }
        if (!ctx.budget().charge(size)) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted", "", std::nullopt});
          break;
        }
        // Decoded after the walk, in parallel (below); the inode stays with the entry.
        files.push_back({ex.children.size(), c.name, std::move(item.inode), size});
        ex.children.push_back(std::move(c));
        continue;
      }
      const bool is_dir = inode->base.type == SQFS_INODE_DIR || inode->base.type == SQFS_INODE_EXT_DIR;
      ex.children.push_back(std::move(c));
      if (!is_dir) continue;
      if (!walked.insert(inode->base.inode_number).second) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "directory '" + item.path + "' (inode " + std::to_string(inode->base.inode_number) +
                                  ") was reached before: a loop or a shared directory, not walked again", "", std::nullopt});
        continue;
      }
      if (item.depth >= kMaxDirDepth) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitDepth, "directory '" + item.path + "' is " + std::to_string(item.depth) + " levels deep: not walked", "", std::nullopt});
        continue;
      }
      list_dir(inode, item.path, item.depth);
    }
    if (stop || count >= kMaxEntries) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "entry limit reached", "", std::nullopt});
    }
    ex.properties = {{"compression", std::string(compressor_name(super.compression_id))},
                     {"block_size", std::to_string(super.block_size)},
                     {"inodes", std::to_string(super.inode_count)},
                     {"bytes_used", std::to_string(super.bytes_used)},
                     {"mkfs_time", std::to_string(super.modification_time)}};
    // The files' data, decoded on the pool: all of it now, or, when the unpacker asks for
    // batches, the bytes of about ctx.batch_bytes() of files each time it reaches one without
    // (Extraction::more).
    if (files.empty()) return ex;
    for (const FileToDecode& f : files) ex.children[f.child].later = true;
    return give_later(std::move(ex), [image](ExtractContext& next) { return next_batch(*image, next); }, ctx);
  }
};

}  // namespace

HandlerPtr make_squashfs_handler() { return std::make_unique<SquashfsHandler>(); }

}  // namespace fwscan
