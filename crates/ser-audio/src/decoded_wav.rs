//! Samples decoded here, read by symphonia's WAV reader: a header made for them, then each
//! block of 16-bit samples as it is decoded. Shorten and OKI ADPCM have no packets a format
//! reader could hand on (Shorten's blocks are runs of bits of no known length, OKI's codes
//! depend on all before them and Dialogic VOX has no header), so they are decoded where they
//! are read and only their samples go on, read forward (through symphonia's `ReadOnlySource`).

use std::io::{self, Read};

/// A decoder of 16-bit samples, one block after another.
pub(crate) trait Blocks {
    /// Appends the next block's samples, channels interleaved, to `samples`; `false` at the
    /// stream's end, and from then on. Damaged data is an `InvalidData` error.
    fn next_block(&mut self, samples: &mut Vec<i16>) -> io::Result<bool>;
}

/// A stream of [`Blocks`], read as the 16-bit WAV it decodes to.
pub(crate) struct DecodedWav<B> {
    blocks: B,
    /// Bytes ready to be read (the header, then a block's samples), from `at` on.
    ready: Vec<u8>,
    at: usize,
    samples: Vec<i16>,
}

impl<B: Blocks> DecodedWav<B> {
    /// `start` (a WAV header for the samples, made by [`crate::made_headers::riff`], and any
    /// samples decoded with it), then the samples of `blocks`.
    pub(crate) fn new(start: Vec<u8>, blocks: B) -> Self {
        Self {
            blocks,
            ready: start,
            at: 0,
            samples: Vec::new(),
        }
    }
}

/// Reads what `source` has next into `buf` (0 bytes at its end), trying again where a read was
/// interrupted: how a [`Blocks`] decoder of codes takes its next chunk of them.
pub(crate) fn read_codes(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match source.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            read => return read,
        }
    }
}

/// Appends 16-bit samples as little-endian bytes.
pub(crate) fn push_samples(bytes: &mut Vec<u8>, samples: &[i16]) {
    bytes.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
}

impl<B: Blocks> Read for DecodedWav<B> {
    /// The bytes made so far, then the next block's samples.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.ready.len() {
            self.ready.clear();
            self.at = 0;
            self.samples.clear();
            if !self.blocks.next_block(&mut self.samples)? {
                break;
            }
            push_samples(&mut self.ready, &self.samples);
        }
        let n = buf.len().min(self.ready.len() - self.at);
        buf[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
