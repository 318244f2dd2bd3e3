//! A message as it travels and as the log keeps it: the envelope's exact JSON bytes and its
//! sender's signature over them. The signature covers the bytes as sent, so nothing is
//! re-serialized before it is checked.
//!
//! Signatures are made in batches, as X-Road does: the messages a system sends at about the
//! same moment are the leaves of a hash tree, and the system signs its root once; each
//! message carries the signature, its leaf's place and the hashes on the path to the root.
//! A message alone is a tree of one leaf. A receiver checks the path, then the signature —
//! once per batch, remembering the roots it has checked.

use sha2::{Digest, Sha256};

/// An envelope's bytes with its sender's (batch) signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The envelope, serialized JSON.
    pub bytes: Vec<u8>,
    /// The sending system's signature over the root of its batch.
    pub signature: Vec<u8>,
    /// The leaf's place in the batch, and the batch's size.
    pub index: u32,
    pub batch: u32,
    /// The sibling hashes from the leaf up to the root.
    pub path: Vec<[u8; 32]>,
}

/// The leaf of a message's bytes (domain-separated from the inner nodes).
pub fn leaf(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(bytes);
    h.finalize().into()
}

fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of a batch and each leaf's path to it. An odd node at a level is carried up as
/// it is.
pub fn tree(leaves: &[[u8; 32]]) -> ([u8; 32], Vec<Vec<[u8; 32]>>) {
    let mut paths = vec![Vec::new(); leaves.len()];
    // Which current-level node each leaf sits under.
    let mut at: Vec<usize> = (0..leaves.len()).collect();
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        for (i, path) in paths.iter_mut().enumerate() {
            let sibling = at[i] ^ 1;
            if sibling < level.len() {
                path.push(level[sibling]);
            }
            at[i] /= 2;
        }
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => node(l, r),
                [one] => *one,
                _ => unreachable!("chunks of two"),
            })
            .collect();
    }
    (level.first().copied().unwrap_or([0; 32]), paths)
}

/// The root that a leaf at `index` of a batch of `batch` leaves leads to by `path`, walking
/// the rule of [`tree`]: at each level a node at an even place is the left one, and a node
/// without a sibling goes up alone. `None` when the path does not fit the batch.
pub fn root_of(leaf: [u8; 32], index: u32, path: &[[u8; 32]], batch: u32) -> Option<[u8; 32]> {
    let mut h = leaf;
    let (mut pos, mut width) = (index as usize, batch as usize);
    let mut hashes = path.iter();
    if pos >= width {
        return None;
    }
    while width > 1 {
        let sibling = pos ^ 1;
        if sibling < width {
            let s = hashes.next()?;
            h = if pos % 2 == 0 {
                node(&h, s)
            } else {
                node(s, &h)
            };
        }
        pos /= 2;
        width = width.div_ceil(2);
    }
    hashes.next().is_none().then_some(h)
}

impl Sealed {
    /// A message signed alone.
    pub fn single(bytes: Vec<u8>, signature: Vec<u8>) -> Self {
        Sealed {
            bytes,
            signature,
            index: 0,
            batch: 1,
            path: Vec::new(),
        }
    }

    /// The batch's root this message's path leads to (`None` when the path cannot be right).
    pub fn root(&self) -> Option<[u8; 32]> {
        root_of(leaf(&self.bytes), self.index, &self.path, self.batch)
    }

    /// The message's hash: what its response is bound to, and what the log chains.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update((self.bytes.len() as u64).to_le_bytes());
        h.update(&self.bytes);
        h.update(&self.signature);
        h.update(self.index.to_le_bytes());
        h.update(self.batch.to_le_bytes());
        for p in &self.path {
            h.update(p);
        }
        h.finalize().into()
    }

    /// Lower-case hex of [`Sealed::hash`].
    pub fn hash_hex(&self) -> String {
        hex(&self.hash())
    }

    /// `u32 length, bytes, u16 length, signature, u32 index, u32 batch, u8 depth,
    /// depth × 32 bytes`,
    /// little-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(11 + self.bytes.len() + self.signature.len() + 32 * self.path.len());
        out.extend_from_slice(&(self.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.bytes);
        out.extend_from_slice(&(self.signature.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&self.index.to_le_bytes());
        out.extend_from_slice(&self.batch.to_le_bytes());
        out.push(self.path.len() as u8);
        for p in &self.path {
            out.extend_from_slice(p);
        }
        out
    }

    /// The inverse of [`Sealed::encode`]; `None` when the input is not exactly one message.
    pub fn decode(input: &[u8]) -> Option<Sealed> {
        let (len, rest) = input.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        if rest.len() < len {
            return None;
        }
        let (bytes, rest) = rest.split_at(len);
        let (sig_len, rest) = rest.split_first_chunk::<2>()?;
        let sig_len = u16::from_le_bytes(*sig_len) as usize;
        if rest.len() < sig_len {
            return None;
        }
        let (signature, rest) = rest.split_at(sig_len);
        let (index, rest) = rest.split_first_chunk::<4>()?;
        let (batch, rest) = rest.split_first_chunk::<4>()?;
        let (depth, rest) = rest.split_first()?;
        if rest.len() != 32 * *depth as usize {
            return None;
        }
        let path = rest
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
            .collect();
        Some(Sealed {
            bytes: bytes.to_vec(),
            signature: signature.to_vec(),
            index: u32::from_le_bytes(*index),
            batch: u32::from_le_bytes(*batch),
            path,
        })
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_and_refuses_what_is_cut_or_padded() {
        let m = Sealed {
            bytes: br#"{"a":1}"#.to_vec(),
            signature: vec![1, 2, 3],
            index: 2,
            batch: 4,
            path: vec![[7; 32], [9; 32]],
        };
        let e = m.encode();
        assert_eq!(Sealed::decode(&e), Some(m.clone()));
        assert_eq!(Sealed::decode(&e[..e.len() - 1]), None);
        let mut padded = e.clone();
        padded.push(0);
        assert_eq!(Sealed::decode(&padded), None);
        let other = Sealed {
            signature: vec![1, 2, 4],
            ..m.clone()
        };
        assert_ne!(m.hash(), other.hash(), "the hash covers the signature");
    }

    #[test]
    fn every_leaf_of_every_batch_size_leads_to_the_root_and_no_other_does() {
        for n in 1..=33u32 {
            let leaves: Vec<[u8; 32]> = (0..n).map(|i| leaf(&i.to_le_bytes())).collect();
            let (root, paths) = tree(&leaves);
            for (i, path) in paths.iter().enumerate() {
                assert_eq!(root_of(leaves[i], i as u32, path, n), Some(root), "{n}:{i}");
                // Another message, or another place, does not.
                let forged = leaf(b"another");
                assert_ne!(root_of(forged, i as u32, path, n), Some(root));
                if n > 1 {
                    let j = (i as u32 + 1) % n;
                    assert_ne!(root_of(leaves[i], j, path, n), Some(root), "{n}:{i}->{j}");
                }
            }
        }
    }
}
