//! Samples decoded here, read by symphonia's WAV reader: a header made for them, then each
//! block of 16-bit samples as it is decoded. Shorten, OKI ADPCM and G.722 have no packets a
//! format reader could hand on (Shorten's blocks are runs of bits of no known length, ADPCM
//! codes depend on all before them and Dialogic VOX and Asterisk's G.722 have no header), so
//! they are decoded where they are read and only their samples go on, read forward (through
//! symphonia's `ReadOnlySource`). Codecs of two samples a byte share [`pairs_decoded`].

use std::io::{self, Read};

use symphonia::core::io::ReadOnlySource;

use crate::header_view::{Replacement, ShownCodec};
use crate::made_headers::{riff, riff_format, WavCoding};

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

/// A codec whose every byte decodes to the next two samples of one channel, in time order
/// (OKI ADPCM's two 4-bit codes, G.722's pair of 16 kHz samples), its state carried on from byte
/// to byte.
pub(crate) trait PairCodec {
    fn decode(&mut self, byte: u8) -> [i16; 2];
}

/// The source to read in place of the codes of `codec` (FFmpeg's short name `name`) from
/// `source`'s position on, one channel at `rate`: the 16-bit WAV they decode to, of `len` bytes
/// of codes where that is known (each byte two samples; what follows them is not read), to the
/// end otherwise.
pub(crate) fn pairs_decoded<'s, R, C>(
    source: R,
    codec: C,
    name: &'static str,
    rate: u32,
    len: Option<u64>,
) -> Replacement<'s>
where
    R: Read + Send + Sync + 's,
    C: PairCodec + Send + Sync + 's,
{
    let header = riff(
        &riff_format(WavCoding::Pcm, 1, rate, 16),
        len.and_then(|n| n.checked_mul(4)),
    );
    let codes = PairCodes {
        source: source.take(len.unwrap_or(u64::MAX)),
        codec,
        bytes: vec![0; PAIR_CHUNK],
    };
    let decoded = ReadOnlySource::new(DecodedWav::new(header, codes));
    (Box::new(decoded), Some(ShownCodec::Decoded(name)))
}

/// Bytes of a [`PairCodec`]'s codes read at a time: a quarter second at 16 kHz.
const PAIR_CHUNK: usize = 2_000;

/// A source of a [`PairCodec`]'s codes, decoded a chunk at a time.
struct PairCodes<R, C> {
    source: io::Take<R>,
    codec: C,
    bytes: Vec<u8>,
}

impl<R: Read, C: PairCodec> Blocks for PairCodes<R, C> {
    fn next_block(&mut self, samples: &mut Vec<i16>) -> io::Result<bool> {
        let n = loop {
            match self.source.read(&mut self.bytes) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                read => break read?,
            }
        };
        let codec = &mut self.codec;
        samples.extend(self.bytes[..n].iter().flat_map(|&byte| codec.decode(byte)));
        Ok(n > 0)
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
