//! WAV files of G.722 (format tag 0x0065, as mmreg.h registers it, and 0x028F, as FFmpeg writes
//! it), which symphonia's WAV reader refuses: told by their `fmt ` chunk among the bytes a stream
//! is looked at by before symphonia's probe, and read through [`super::decoded`] at 16 kHz, from
//! the `data` chunk to its end (chunks after it are not codes).

use std::io;

use symphonia::core::io::MediaSourceStream;

use super::{decoded, one_channel};
use crate::header_view::Replacement;
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
    one_channel("wav", start.fmt.channels)?;
    Ok(decoded(mss, start.data_len))
}
