//! WAV files of OKI ADPCM (format tag 0x0010, OKI's, and 0x0017, Dialogic's), which symphonia's
//! WAV reader refuses: told by their `fmt ` chunk among the bytes a stream is looked at by
//! before symphonia's probe, and read through [`super::decoded`] at the rate the chunk declares,
//! from the `data` chunk to its end (chunks after it are not codes).

use std::io;

use symphonia::core::io::MediaSourceStream;

use super::decoded;
use crate::header_view::{unsupported, Replacement};
use crate::riff::{holds_format, read_to_data_for_view};

/// The format tags of OKI ADPCM: OKI's own, and Dialogic's.
const OKI_TAGS: [u16; 2] = [0x0010, 0x0017];

/// Whether a stream starting with `head` is a WAV file of OKI ADPCM, by a `fmt ` chunk within
/// `head`.
pub(crate) fn holds_oki(head: &[u8]) -> bool {
    holds_format(head, &OKI_TAGS)
}

/// Reads a WAV file of OKI ADPCM, which [`holds_oki`] told, up to its data, and gives the source
/// to read in its place: the samples its codes decode to. Errors are header errors
/// ([`crate::header_view`]).
pub(crate) fn open(mut mss: MediaSourceStream<'_>) -> io::Result<Replacement<'_>> {
    let start = read_to_data_for_view(&mut mss)?;
    let fmt = &start.fmt;
    if fmt.channels != 1 {
        return Err(unsupported(format!(
            "wav: OKI ADPCM of {} channels is not decoded (of one, as Dialogic records it, is)",
            fmt.channels
        )));
    }
    // OKI's chips also wrote 3-bit codes, under the same format tag.
    if (1..4).contains(&fmt.bits_per_sample) {
        return Err(unsupported(format!(
            "wav: OKI ADPCM of {} bits a code is not decoded (of 4, as Dialogic's, is)",
            fmt.bits_per_sample
        )));
    }
    Ok(decoded(mss, fmt.sample_rate, start.data_len))
}
