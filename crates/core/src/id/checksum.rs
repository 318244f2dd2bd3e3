//! The check digits of the Kazakh identifiers.

/// First-pass weights of the IIN/BIN check digit: the position of the digit, 1 to 11.
const IIN_BIN_W1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/// Second-pass weights, used when the first pass gives 10.
const IIN_BIN_W2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

fn weighted_mod11(digits: &[u8; 11], weights: impl Fn(usize) -> u32) -> u32 {
    digits
        .iter()
        .enumerate()
        .map(|(i, &d)| weights(i) * u32::from(d))
        .sum::<u32>()
        % 11
}

/// The first pass of the IIN/BIN rule: `Σ i·dᵢ mod 11`. Exposed to the tests, which reason about
/// which pass decided a number.
pub(crate) fn iin_bin_first_pass(digits: &[u8; 11]) -> u32 {
    weighted_mod11(digits, |i| IIN_BIN_W1[i])
}

/// The check digit of an IIN or BIN over its first eleven digits (values 0–9):
/// `a = Σ i·dᵢ mod 11`; when `a = 10`, `a = Σ wᵢ·dᵢ mod 11` with `w = 3,4,5,6,7,8,9,10,11,1,2`.
/// `None` when the second pass gives 10 as well: such a number is never issued.
pub(crate) fn iin_bin_check_digit(digits: &[u8; 11]) -> Option<u8> {
    let a = iin_bin_first_pass(digits);
    let a = if a == 10 {
        weighted_mod11(digits, |i| IIN_BIN_W2[i])
    } else {
        a
    };
    (a < 10).then_some(a as u8)
}

/// The check digit of a legacy RNN over its first eleven digits (values 0–9).
///
/// Pass `p` (0 to 9) weighs the digit at (0-based) position `j` with `(p + j) mod 10 + 1`, so the
/// first pass uses `1,2,…,10,1`, the second `2,3,…,10,1,2`, and so on; the first pass whose sum
/// mod 11 is below 10 gives the check digit. `None` would mean all ten passes give 10, which the
/// module documentation proves impossible; it is kept as a value rather than a panic. See the
/// module documentation for the sources of this rule.
pub(crate) fn rnn_check_digit(digits: &[u8; 11]) -> Option<u8> {
    (0..10).find_map(|pass| {
        let k = rnn_pass(digits, pass);
        (k < 10).then_some(k as u8)
    })
}

/// One pass of the RNN rule (`pass` 0–9): the weighted sum mod 11.
pub(crate) fn rnn_pass(digits: &[u8; 11], pass: usize) -> u32 {
    weighted_mod11(digits, |j| ((pass + j) % 10 + 1) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first11(s: &str) -> [u8; 11] {
        let mut d = [0u8; 11];
        for (i, b) in s.bytes().take(11).enumerate() {
            d[i] = b - b'0';
        }
        d
    }

    #[test]
    fn id_checksum_examples_from_the_domain() {
        assert_eq!(iin_bin_check_digit(&first11("85010130000")), Some(5));
        assert_eq!(iin_bin_check_digit(&first11("90031240000")), Some(0));
        assert_eq!(iin_bin_check_digit(&first11("08044000000")), Some(8));
        assert_eq!(iin_bin_check_digit(&first11("77123160000")), Some(7));
    }

    #[test]
    fn id_checksum_rnn_real_world_example() {
        // An RNN printed next to its company's BIN (121040000303) on a Kazakh letterhead that a
        // public test suite checks for; both pass their rules.
        assert_eq!(rnn_check_digit(&first11("27180005953")), Some(5));
        assert_eq!(iin_bin_check_digit(&first11("12104000030")), Some(3));
    }
}
