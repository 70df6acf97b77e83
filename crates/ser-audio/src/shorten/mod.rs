//! Shorten (Tony Robinson, 1992): lossless compression of audio by linear prediction and Rice
//! codes, in `.shn` files and inside NIST SPHERE, where LDC keeps many of its speech corpora
//! (`sample_coding -s26 pcm,embedded-shorten-v2.00`; Switchboard, CALLHOME, Fisher in µ-law).
//! symphonia does not decode it and no maintained Rust crate does, so this module does:
//! `bits` reads its codes, `stream` decodes its blocks, `samples` turns its numbers into 16-bit
//! samples, and [`decoded`] shows the result to symphonia's WAV reader.

mod bits;
mod pcm;
mod samples;
mod stream;

pub(crate) use pcm::decoded;

/// The codec's short name.
pub(crate) const SHORTEN: &str = "shorten";

/// Whether a stream starting with `head` is a Shorten stream (`.shn`).
pub(crate) fn opens_shorten(head: &[u8]) -> bool {
    head.starts_with(stream::MAGIC)
}
