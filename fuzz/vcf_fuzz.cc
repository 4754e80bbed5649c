// Fuzz target for the VCF/BCF reader (jumeau/io/vcf.h): parses the input as
// a VCF (plain, gzip or bgzip) or BCF file in memory, whole and restricted
// to a region (the scanning path). Under GCC it is a replay program over
// fuzz/corpus/vcf_fuzz/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jumeau/io/vcf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  jumeau::Result<jumeau::GenotypeTable> all =
      jumeau::io::ReadVcfFromMemory(bytes, "fuzz.vcf");
  if (all.ok()) {
    // Touch every call so that sanitizers see any bad row.
    int64_t total = 0;
    for (size_t v = 0; v < all->variant_count(); ++v) {
      for (size_t s = 0; s < all->sample_count(); ++s) {
        total += all->alt_count(v, s) + all->call_flags(v, s);
      }
    }
    (void)total;
  }
  jumeau::io::VcfOptions options;
  options.region = "1:100-100000";
  options.batch_variants = 3;
  (void)jumeau::io::ReadVcfFromMemory(bytes, "fuzz.vcf", options);
  return 0;
}
