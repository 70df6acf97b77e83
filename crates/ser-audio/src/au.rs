//! Sun/NeXT AU (`.au`, `.snd`): a 24-byte big-endian header (data offset, data size,
//! encoding, rate, channels), an annotation, then the samples; what Java's sound API, older
//! Unix tools and some telephony systems write. symphonia does not read it.
//!
//! [`open`] shows its data to symphonia's WAV reader as what they are: G.711 µ-law and A-law
//! (bytes, endian-free) as they are, big-endian integer PCM and floats swapped into WAV's
//! order ([`crate::swapped`]), G.722 (encoding 24, as FFmpeg writes it) decoded
//! ([`crate::g722`]); of any length, also unknown (a stream written to a pipe).

use std::io::{self, Read};

use symphonia::core::io::MediaSource;

use crate::g722;
use crate::header_view::{
    as_header_error, held_len, invalid, skip, unsupported, view, Replacement, Shown, Stored,
};
use crate::made_headers::WavCoding;
use crate::swapped::BigEndian;

/// A data size that means "unknown".
const UNKNOWN: u32 = u32::MAX;
/// Largest annotation passed between the header and the data.
const MAX_OFFSET: u32 = 1 << 20;

/// Whether a stream starting with `head` is AU.
pub(crate) fn opens_au(head: &[u8]) -> bool {
    head.starts_with(b".snd")
}

/// The encoding of G.722.
const G722_ENCODING: u32 = 24;

/// The AU encodings read as stored, by number: G.711, big-endian integers (signed at 8 bits)
/// and floats.
fn coding(encoding: u32) -> io::Result<Stored> {
    let big_endian = |float, bits| Stored::BigEndian(BigEndian::new(float, bits).expect("a width"));
    Ok(match encoding {
        1 => Stored::AsWav(WavCoding::MuLaw, 8),
        27 => Stored::AsWav(WavCoding::ALaw, 8),
        2 => big_endian(false, 8),
        3 => big_endian(false, 16),
        4 => big_endian(false, 24),
        5 => big_endian(false, 32),
        6 => big_endian(true, 32),
        7 => big_endian(true, 64),
        23 | 25 | 26 => {
            return Err(unsupported(format!(
                "au: G.721/G.723 ADPCM (encoding {encoding}) is not decoded; convert it to PCM \
                 WAV (ffmpeg -i IN -c:a pcm_s16le OUT.wav)"
            )))
        }
        _ => return Err(invalid(format!("au: unknown encoding {encoding}"))),
    })
}

/// How an AU stream's samples are read.
enum Samples {
    /// As they are stored, behind a header of ours.
    Shown(Shown),
    /// Decoded from G.722: this many bytes of codes (`None`: to the end).
    G722 { len: Option<u64> },
}

/// The source to read an AU stream (which [`opens_au`] recognised, at its start) through: its
/// samples behind a header of ours, or decoded from G.722. Errors are header errors
/// ([`crate::header_view`]).
pub(crate) fn open<'s, S: Read + MediaSource + 's>(mut source: S) -> io::Result<Replacement<'s>> {
    Ok(match read(&mut source).map_err(as_header_error)? {
        Samples::Shown(shown) => view(source, shown),
        Samples::G722 { len } => g722::decoded(source, len),
    })
}

/// Reads an AU stream's header from its start up to its data, where it leaves the source: how
/// its samples are to be read.
fn read<S: Read + MediaSource>(source: &mut S) -> io::Result<Samples> {
    let mut head = [0u8; 24];
    source.read_exact(&mut head)?;
    let field = |i: usize| u32::from_be_bytes(head[4 * i..4 * i + 4].try_into().expect("4"));
    let (offset, size, encoding, rate, channels) =
        (field(1), field(2), field(3), field(4), field(5));
    if !(24..=MAX_OFFSET).contains(&offset) {
        return Err(invalid(format!("au: data offset {offset}")));
    }
    let channels =
        u16::try_from(channels).map_err(|_| invalid(format!("au: {channels} channels")))?;
    // G.722 is read at 16 kHz whatever the rate field says (FFmpeg writes 16000); the rest as
    // stored.
    let stored = if encoding == G722_ENCODING {
        g722::one_channel("au", channels)?;
        None
    } else {
        Some(coding(encoding)?)
    };
    skip(source, u64::from(offset - 24))?; // the annotation
    let data_start = u64::from(offset);
    let data_len = held_len(source, data_start, (size != UNKNOWN).then_some(size.into()));
    Ok(match stored {
        Some(stored) => Samples::Shown(stored.shown(channels, rate, data_start, data_len)),
        None => Samples::G722 { len: data_len },
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::header_view::ShownCodec;

    /// An AU stream of `data` with an 8-byte annotation and a trailing byte past `size`.
    fn au(encoding: u32, size: u32, data: &[u8]) -> Vec<u8> {
        let mut s = b".snd".to_vec();
        for v in [32, size, encoding, 8000, 1] {
            s.extend_from_slice(&u32::to_be_bytes(v));
        }
        s.extend_from_slice(b"comment\0");
        s.extend_from_slice(data);
        s
    }

    fn shown(stream: Vec<u8>) -> io::Result<Vec<u8>> {
        assert!(opens_au(&stream));
        let mut out = Vec::new();
        open(Cursor::new(stream))?.0.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn samples_are_shown_as_wav_with_the_data_behind_in_its_byte_order() {
        let data = [1u8, 2, 3, 4, 5, 6];
        let wav = shown(au(1, 6, &data)).unwrap();
        assert_eq!(wav[..4], *b"RIFF");
        assert_eq!(wav[20..22], 7u16.to_le_bytes()); // µ-law
        assert_eq!(wav[wav.len() - 6..], data);
        let pcm = shown(au(3, 4, &data)).unwrap(); // a size shorter than what follows
        assert_eq!(pcm[20..22], 1u16.to_le_bytes());
        assert_eq!(pcm[pcm.len() - 4..], [2, 1, 4, 3]);
        let floats = shown(au(6, 4, &data)).unwrap();
        assert_eq!(floats[20..22], 3u16.to_le_bytes());
        assert_eq!(floats[floats.len() - 4..], [4, 3, 2, 1]);
        // Unknown size: to the end.
        let all = shown(au(1, UNKNOWN, &data)).unwrap();
        assert_eq!(all[all.len() - 6..], data);
    }

    #[test]
    fn big_endian_samples_of_unknown_length_are_read_from_a_pipe() {
        let stream = au(3, UNKNOWN, &[1, 2, 3, 4, 5]); // and half a sample
        let piped = symphonia::core::io::ReadOnlySource::new(Cursor::new(stream));
        let (mut view, codec) = open(piped).unwrap();
        assert_eq!(codec, Some(ShownCodec::Swapped("pcm_s16be")));
        let mut wav = Vec::new();
        view.read_to_end(&mut wav).unwrap();
        assert_eq!(wav[42..46], u32::MAX.to_le_bytes()); // "unknown" in RIFF
        assert_eq!(wav[46..], [2, 1, 4, 3]);
    }

    #[test]
    fn encodings_not_read_are_named() {
        let err = shown(au(23, 6, &[0; 6])).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(err
            .to_string()
            .starts_with("au: G.721/G.723 ADPCM (encoding 23) is not decoded"));
        let mut stereo = au(24, 6, &[0; 6]);
        stereo[23] = 2;
        let err = shown(stereo).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(
            err.to_string().starts_with("au: G.722 of 2 channels"),
            "{err}"
        );
        let err = shown(au(99, 6, &[0; 6])).unwrap_err();
        assert_eq!(err.to_string(), "au: unknown encoding 99");
    }

    #[test]
    fn every_cut_of_the_header_is_an_error() {
        let stream = au(3, 4, &[0; 4]);
        for cut in 4..32 {
            let err = open(Cursor::new(&stream[..cut])).err();
            assert_eq!(
                err.map(|e| e.kind()),
                Some(io::ErrorKind::UnexpectedEof),
                "{cut}"
            );
        }
    }
}
