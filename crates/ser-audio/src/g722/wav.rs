//! WAV files of G.722 (format tag 0x0065, as mmreg.h registers it, and 0x028F, as FFmpeg writes
//! it), which symphonia's WAV reader refuses: told by their `fmt ` chunk among the bytes a stream
//! is looked at by before symphonia's probe, and read through [`super::decoded`] at 16 kHz, from
//! the `data` chunk to its end (chunks after it are not codes).

use std::io::{self, Read};

use symphonia::core::io::{MediaSourceStream, ReadOnlySource};

use super::{decoded, G722};
use crate::header_view::{unsupported, Replacement, ShownCodec};
use crate::riff::{holds_format, read_to_data_for_view};

/// The format tags of G.722.
const G722_TAGS: [u16; 2] = [0x0065, 0x028F];

/// Whether a stream starting with `head` is a WAV file of G.722, by a `fmt ` chunk within
/// `head`.
pub(crate) fn holds_g722(head: &[u8]) -> bool {
    holds_format(head, &G722_TAGS)
}

/// Reads a WAV file of G.722, which [`holds_g722`] told, up to its data, and gives the source to
/// read in its place: the samples its codes decode to. Errors are header errors
/// ([`crate::header_view`]).
pub(crate) fn open(mut mss: MediaSourceStream<'_>) -> io::Result<Replacement<'_>> {
    let start = read_to_data_for_view(&mut mss)?;
    if start.fmt.channels != 1 {
        return Err(unsupported(format!(
            "wav: G.722 of {} channels is not decoded (of one, as calls record it, is)",
            start.fmt.channels
        )));
    }
    let codes = mss.take(start.data_len.unwrap_or(u64::MAX));
    let samples = decoded(codes, start.data_len);
    Ok((
        Box::new(ReadOnlySource::new(samples)),
        Some(ShownCodec::Decoded(G722)),
    ))
}
