//! [`IngestLimits`]: the budgets one deploy may use (spec amplify.md §6.5, §11.2).

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// What one deploy may hold. Every limit is enforced on what is actually read (bytes counted
/// while inflating), never on the sizes an archive declares; declared sizes only make an
/// oversized archive fail early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestLimits {
    /// Size of the uploaded zip. Default 5 GiB, AWS's limit for a manual deploy (spec §6.5).
    pub max_archive_bytes: u64,
    /// Sum of all files once inflated. Default 5 GiB, AWS's build artifact quota (spec §6.5).
    pub max_total_bytes: u64,
    /// Entries in an archive (directory entries and skipped macOS metadata included, since each
    /// costs work to check) or files in a file map. Default 100,000; AWS documents no limit.
    pub max_files: u64,
    /// One file once inflated. Default 1 GiB: a file is held in memory while it is stored.
    pub max_file_bytes: u64,
    /// Inflated size over compressed size, checked for an entry once it has inflated past
    /// [`Self::ratio_min_bytes`]. Default 200: HTML and JSON compress 5–20:1 and rarely beyond
    /// 100:1, while a deflate bomb reaches about 1000:1 (spec §11.2).
    pub max_ratio: u64,
    /// Below this many inflated bytes an entry's ratio is not checked: small files of
    /// repeated bytes are harmless, whatever their ratio. Default 1 MiB.
    pub ratio_min_bytes: u64,
    /// A site path in bytes. Default 255, like the `FileName` of AWS's file map (spec §11.2).
    pub max_path_bytes: usize,
    /// Segments of a site path (`a/b/c.html` has 3). Default 32.
    pub max_depth: usize,
}

impl Default for IngestLimits {
    fn default() -> IngestLimits {
        IngestLimits {
            max_archive_bytes: 5 * GIB,
            max_total_bytes: 5 * GIB,
            max_files: 100_000,
            max_file_bytes: GIB,
            max_ratio: 200,
            ratio_min_bytes: MIB,
            max_path_bytes: 255,
            max_depth: 32,
        }
    }
}

/// `bytes` for people: `5 GiB`, `1.5 MiB`, `300 bytes`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    let units = [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")];
    for (unit, name) in units {
        if bytes >= unit {
            return if bytes.is_multiple_of(unit) {
                format!("{} {name}", bytes / unit)
            } else {
                // Precision is irrelevant here: the figure is for a person.
                #[allow(clippy::cast_precision_loss)]
                let value = bytes as f64 / unit as f64;
                format!("{value:.1} {name}")
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(5 * GIB), "5 GiB");
        assert_eq!(human_bytes(3 * MIB / 2), "1.5 MiB");
        assert_eq!(human_bytes(1023), "1023 bytes");
        assert_eq!(human_bytes(KIB), "1 KiB");
    }
}
