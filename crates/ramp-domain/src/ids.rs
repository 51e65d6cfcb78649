//! Resource IDs: 7 characters of `[a-z0-9]`, as every real AppConfig ID is (spec/appconfig.md §2.1).

use rand::Rng;

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

pub fn new_id() -> String {
    let mut rng = rand::rng();
    (0..7)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A random secret for signing tokens.
pub fn new_secret() -> Vec<u8> {
    let mut key = vec![0u8; 32];
    rand::rng().fill(&mut key[..]);
    key
}

/// `bytes` random bytes as lowercase hex: names that only need to be unique (sessions, nodes).
pub fn new_hex(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    rand::rng().fill(&mut raw[..]);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_match_the_model_pattern() {
        for _ in 0..100 {
            let id = super::new_id();
            assert_eq!(id.len(), 7);
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        }
    }
}
