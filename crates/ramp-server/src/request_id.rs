use rand::Rng;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A request id in the UUID form AWS uses for `x-amzn-RequestId` (`8-4-4-4-12` lowercase hex).
///
/// On the path of every request: the digits are written into a stack buffer (one allocation for
/// the `String`, no formatting machinery).
pub fn new_request_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let mut text = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0x0f)];
        at += 2;
    }
    text.iter().copied().map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_uuid_form_and_differs_each_time() {
        let id = new_request_id();
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(
            groups
                .iter()
                .all(|g| g.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        );
        assert_ne!(new_request_id(), id);
    }
}
