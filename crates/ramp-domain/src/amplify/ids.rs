//! Amplify's identifiers (spec/amplify.md §4).

use rand::Rng;

const BASE36: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// An app ID: `d` and 13 characters of `[a-z0-9]`, the form of real IDs (`d1nsxjyualdzdu`),
/// within the model's pattern `d[a-z0-9]+` and length limit of 20.
pub fn new_app_id() -> String {
    let mut rng = rand::rng();
    std::iter::once('d')
        .chain((0..13).map(|_| char::from(BASE36[rng.random_range(0..BASE36.len())])))
        .collect()
}

/// A webhook ID: AWS's look like UUIDs; ramp's are random UUID-shaped hex.
pub fn new_webhook_id() -> String {
    let hex = crate::ids::new_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A branch's default display name: the branch name with `/` and `.` as `-` (spec §3.2: AWS
/// turns `feature/x` into `feature-x` and `release-6.2` into `release-6-2`), lowercased so it
/// is a valid DNS label character set.
pub fn default_display_name(branch_name: &str) -> String {
    branch_name
        .chars()
        .map(|c| match c {
            '/' | '.' | '_' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The job ID as the API shows it (`"3"`) and as ARNs and upload keys pad it (`0000000003`).
pub fn padded_job_number(number: i64) -> String {
    format!("{number:010}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_look_like_amplifys() {
        for _ in 0..100 {
            let id = new_app_id();
            assert_eq!(id.len(), 14);
            assert!(id.starts_with('d'));
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        }
    }

    #[test]
    fn display_names_replace_separators() {
        assert_eq!(default_display_name("feature/x"), "feature-x");
        assert_eq!(default_display_name("release-6.2"), "release-6-2");
        assert_eq!(default_display_name("Main"), "main");
    }

    #[test]
    fn job_numbers_pad_to_ten_digits() {
        assert_eq!(padded_job_number(3), "0000000003");
        assert_eq!(padded_job_number(1234567890), "1234567890");
    }
}
