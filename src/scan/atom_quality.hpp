#pragma once
// Atom choice for the rule pack. YARA searches every string through one short "atom" (up to 4
// bytes) in an Aho-Corasick automaton, then verifies the string around each atom hit. What a
// scan costs over an empty rule set is not the atom hits but how often the automaton leaves its
// root: every input byte equal to the first byte of some atom starts a branch the CPU cannot
// predict (measured: 50 strings with random first bytes make a scan 1.7x slower; 400 strings
// sharing two rare first bytes cost 1.07x). So a pack is fast when its atoms start with few,
// rare bytes, and when strings that share a label share its atom.
//
// fwscan steers YARA's choice with its own atom quality function (pass 2 of RuleSet's compile;
// rule files are still linted with YARA's stock heuristic, so `rules check` reports the same
// slow-string warnings as the `yara` command):
//   * YARA's heuristic (distinct bytes good; 00, 20, CC, FF poor),
//   * minus the expected frequency, in firmware, of the atom's first byte,
//   * plus a large bonus when the atom lies inside a word the pack says to `prefer` (the rare
//     labels that many rules share: their atoms then coincide), minus a large penalty inside a
//     word it says to `avoid` (vocabulary every camera UI contains: 人脸, 告警, ...; rules use
//     those words only as context next to a rare label, in strings such as
//     { ( 人脸 [0-200] 维族 | 维族 [0-200] 人脸 ) } whose atom must then be the label),
//   * and no first-byte penalty for a byte the preferred words' own atoms start with: the scan
//     pays for that root byte anyway, so other strings may share it for free.
//
// The words come from `atom-preferences.txt` at the top of the rules tree:
//   prefer 维族 維族        a CJK word, simplified then (optional) traditional form: its UTF-8,
//   avoid 人脸 人臉          GBK, Big5 (traditional), UTF-16LE and UTF-16BE bytes
//   prefer uyghur           an ASCII word: itself and its UTF-16 ("wide") form, any case
// '#' starts a comment. Matching semantics never change: only which atom YARA searches for.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace fwscan {

class AtomPreferences {
 public:
  // An absent file is no preferences; a malformed line is an error naming file:line.
  static Result<AtomPreferences> load(const std::filesystem::path& file);
  // The same, from text (for tests); `origin` names it in errors.
  static Result<AtomPreferences> parse(const std::string& text, const std::string& origin);

  bool empty() const { return prefer_.empty() && avoid_.empty(); }
  std::size_t word_count() const { return words_; }

  // Quality of an atom of `length` bytes (<= 4); mask[i] == 0xFF for a known byte, 0x00 for
  // "any", other values for partly known bytes (YARA's masks). Higher is better.
  int quality(const std::uint8_t* bytes, const std::uint8_t* mask, int length) const;

  // The avoided words as an atom quality table for the `yara` command (--atom-quality-table):
  // every 4-byte window of every form (ASCII words in lower, upper and capitalised case, narrow
  // and wide) with a low quality, sorted; 5 bytes per entry, libyara's
  // YR_ATOM_QUALITY_TABLE_ENTRY. With it, `yara` searches context strings through their labels
  // too; it cannot express the first-byte preferences.
  std::string yara_quality_table() const;

  // Expected frequency class of a byte in firmware content (0 = rare .. 100 = 00/FF padding).
  static int byte_frequency(std::uint8_t b);
  // Expected cost of an automaton whose root leaves on these bytes (sum of their frequencies).
  static double root_cost(const std::vector<std::uint8_t>& roots);

  // The root bytes of the last compile: an atom starting with one of them (or with the first
  // byte of a preferred word's atom) gets no first-byte penalty. Returns whether the set changed.
  bool mark_paid(const std::vector<std::uint8_t>& roots);

 private:
  struct Form {
    std::string bytes;  // lower-cased when `fold`
    bool fold = false;  // ASCII word: compare case-insensitively
  };
  static bool inside(const std::vector<Form>& forms, const std::uint8_t* bytes, int length);
  int score(const std::uint8_t* bytes, const std::uint8_t* mask, int length) const;
  void note_paid_root(const Form& form);
  std::vector<Form> prefer_, avoid_;
  std::vector<std::string> avoid_words_;  // as written (UTF-8 or ASCII)
  std::array<bool, 256> paid_{};       // root bytes the automaton is known to have
  std::array<bool, 256> word_paid_{};  // of which: the first bytes of the preferred words' atoms
  std::size_t words_ = 0;
};

}  // namespace fwscan
