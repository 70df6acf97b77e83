//! A Shorten stream shown to symphonia as the 16-bit WAV it decodes to
//! ([`crate::decoded_wav`]): a header made here, then each block's samples as it is decoded.

use std::io::{self, Read};

use super::stream::Stream;
use crate::decoded_wav::{push_samples, Blocks, DecodedWav};
use crate::header_view::{as_header_error, invalid};
use crate::made_headers::{riff, riff_format, WavCoding};

/// A Shorten stream, read as 16-bit WAV of unknown length. Shorten's header and its first
/// block are read here, from `source`'s position on. The sample rate is `rate` where the
/// container says it (SPHERE), or that of the WAV or AIFF header the stream keeps verbatim (a
/// `.shn` file). Errors are header errors ([`crate::header_view`]): what is wrong holds from a
/// pipe as from a file.
pub(crate) fn decoded<R: Read>(source: R, rate: Option<u32>) -> io::Result<DecodedWav<Stream<R>>> {
    open(source, rate).map_err(as_header_error)
}

fn open<R: Read>(source: R, rate: Option<u32>) -> io::Result<DecodedWav<Stream<R>>> {
    let mut stream = Stream::open(source)?;
    let has_block = stream.next_block()?;
    let rate = match rate {
        Some(rate) => rate,
        None => rate_of_header(stream.verbatim())?,
    };
    let channels = stream.channels() as u16;
    let mut start = riff(&riff_format(WavCoding::Pcm, channels, rate, 16), None);
    if has_block {
        push_samples(&mut start, stream.block());
    }
    Ok(DecodedWav::new(start, stream))
}

impl<R: Read> Blocks for Stream<R> {
    /// A stream cut short ends where it was cut, as a cut WAV file does.
    fn next_block(&mut self, samples: &mut Vec<i16>) -> io::Result<bool> {
        match Stream::next_block(self) {
            Ok(true) => {
                samples.extend_from_slice(self.block());
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// The sample rate a `.shn` file's verbatim WAV (`fmt ` chunk) or AIFF (`COMM` chunk, an
/// 80-bit float) header declares.
fn rate_of_header(header: &[u8]) -> io::Result<u32> {
    let le32 = |at: usize| {
        header
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
    };
    let be32 = |at: usize| {
        header
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes(b.try_into().unwrap()))
    };
    let (riff, big_endian) = match header.get(..4) {
        Some(b"RIFF") => (true, false),
        Some(b"FORM") => (false, true),
        _ => {
            return Err(invalid(
                "shorten: no WAV or AIFF header kept in the stream, so no sample rate".into(),
            ))
        }
    };
    let wanted: &[u8; 4] = if riff { b"fmt " } else { b"COMM" };
    let mut at = 12;
    while let (Some(id), Some(len)) = (
        header.get(at..at + 4),
        if big_endian {
            be32(at + 4)
        } else {
            le32(at + 4)
        },
    ) {
        let body = at + 8;
        if id == wanted {
            let rate = if riff {
                le32(body + 4).map(f64::from)
            } else {
                header.get(body + 8..body + 18).map(extended)
            };
            return rate
                .filter(|r| (1.0..=f64::from(u32::MAX)).contains(r))
                .map(|r| r.round() as u32)
                .ok_or_else(|| {
                    invalid("shorten: the kept header's sample rate is cut off".into())
                });
        }
        at = body + len as usize + len as usize % 2;
    }
    Err(invalid(format!(
        "shorten: the kept header has no {:?} chunk",
        String::from_utf8_lossy(wanted)
    )))
}

/// The value of an 80-bit IEEE extended float (AIFF's sample rate).
fn extended(bytes: &[u8]) -> f64 {
    let exponent = i32::from(u16::from_be_bytes([bytes[0], bytes[1]]) & 0x7fff);
    let mantissa = u64::from_be_bytes(bytes[2..10].try_into().unwrap());
    let sign = if bytes[0] & 0x80 != 0 { -1.0 } else { 1.0 };
    sign * mantissa as f64 * 2f64.powi(exponent - 16383 - 63)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_comes_from_the_kept_wav_or_aiff_header() {
        let wav = riff(&riff_format(WavCoding::Pcm, 2, 22_050, 16), Some(8));
        assert_eq!(rate_of_header(&wav).unwrap(), 22_050);
        // AIFF's rate is an 80-bit float in its COMM chunk: libsndfile's AIFF header.
        let aiff = include_bytes!("../../../../tests/fixtures/formats/pcm_s16be.aiff");
        assert_eq!(rate_of_header(&aiff[..64]).unwrap(), 22_050);
        let err = |header: &[u8]| rate_of_header(header).unwrap_err().to_string();
        assert_eq!(
            err(b""),
            "shorten: no WAV or AIFF header kept in the stream, so no sample rate"
        );
        assert_eq!(
            err(&wav[..16]),
            "shorten: the kept header has no \"fmt \" chunk"
        );
        assert_eq!(
            err(&wav[..24]),
            "shorten: the kept header's sample rate is cut off"
        );
    }
}
