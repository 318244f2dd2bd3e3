//! A message as it travels and as the log keeps it: the envelope's exact JSON bytes and its
//! sender's signature over them. The signature covers the bytes as sent, so nothing is
//! re-serialized before it is checked.

use sha2::{Digest, Sha256};

/// An envelope's bytes with its sender's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The envelope, serialized JSON.
    pub bytes: Vec<u8>,
    /// The sending system's signature over `bytes`.
    pub signature: Vec<u8>,
}

impl Sealed {
    /// The message's hash: what its response is bound to, and what the log chains.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update((self.bytes.len() as u64).to_le_bytes());
        h.update(&self.bytes);
        h.update(&self.signature);
        h.finalize().into()
    }

    /// Lower-case hex of [`Sealed::hash`].
    pub fn hash_hex(&self) -> String {
        hex(&self.hash())
    }

    /// `u32 length, bytes, u16 length, signature`, little-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(6 + self.bytes.len() + self.signature.len());
        out.extend_from_slice(&(self.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.bytes);
        out.extend_from_slice(&(self.signature.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.signature);
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
        let (sig_len, signature) = rest.split_first_chunk::<2>()?;
        if signature.len() != u16::from_le_bytes(*sig_len) as usize {
            return None;
        }
        Some(Sealed {
            bytes: bytes.to_vec(),
            signature: signature.to_vec(),
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
}
