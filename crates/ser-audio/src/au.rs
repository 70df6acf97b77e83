//! Sun/NeXT AU (`.au`, `.snd`): a 24-byte big-endian header (data offset, data size,
//! encoding, rate, channels), an annotation, then the samples; what Java's sound API, older
//! Unix tools and some telephony systems write. symphonia does not read it.
//!
//! [`read`] shows its data to symphonia's readers as what they are: G.711 µ-law and A-law
//! (bytes, endian-free) as WAV, which also takes data of unknown length (a stream written to a
//! pipe); big-endian integer PCM and floats as AIFC.

use std::io::{self, Read};

use symphonia::core::io::MediaSource;

use crate::header_view::{held_len, invalid, skip, unknown_big_endian_length, unsupported, Shown};
use crate::made_headers::{aifc, riff, riff_format, WavCoding};

/// A data size that means "unknown".
const UNKNOWN: u32 = u32::MAX;
/// Largest annotation passed between the header and the data.
const MAX_OFFSET: u32 = 1 << 20;

/// Whether a stream starting with `head` is AU.
pub(crate) fn opens_au(head: &[u8]) -> bool {
    head.starts_with(b".snd")
}

/// How an AU encoding is shown to symphonia.
enum Coding {
    Wav(WavCoding),
    /// An AIFC compression type, and bits per sample.
    Aifc(&'static [u8; 4], u16),
}

/// The AU encodings read, by number.
fn coding(encoding: u32) -> io::Result<Coding> {
    Ok(match encoding {
        1 => Coding::Wav(WavCoding::MuLaw),
        27 => Coding::Wav(WavCoding::ALaw),
        2 => Coding::Aifc(b"NONE", 8),
        3 => Coding::Aifc(b"NONE", 16),
        4 => Coding::Aifc(b"NONE", 24),
        5 => Coding::Aifc(b"NONE", 32),
        6 => Coding::Aifc(b"fl32", 32),
        7 => Coding::Aifc(b"fl64", 64),
        23..=26 => {
            return Err(unsupported(format!(
                "au: G.72x ADPCM (encoding {encoding}) is not decoded; convert it to PCM WAV \
                 (ffmpeg -i IN -c:a pcm_s16le OUT.wav)"
            )))
        }
        _ => return Err(invalid(format!("au: unknown encoding {encoding}"))),
    })
}

/// Reads an AU stream's header (which [`opens_au`] recognised) from its start up to its data:
/// the header to show, and where the data are.
pub(crate) fn read<S: Read + MediaSource>(source: &mut S) -> io::Result<Shown> {
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
    let coding = coding(encoding)?;
    skip(source, u64::from(offset - 24))?; // the annotation
    let data_start = u64::from(offset);
    let data_len = held_len(source, data_start, (size != UNKNOWN).then_some(size.into()));
    let header = match coding {
        Coding::Wav(wav) => riff(&riff_format(wav, channels, rate, 8), data_len),
        Coding::Aifc(..) if data_len.is_none() => return Err(unknown_big_endian_length("au")),
        Coding::Aifc(compression, bits) => {
            aifc(compression, channels, rate, bits, data_len.unwrap_or(0))
        }
    };
    Ok(Shown {
        header,
        data_start,
        data_len,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::header_view::HeaderView;

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
        crate::header_view::shown_whole(stream, read)
    }

    #[test]
    fn mu_law_is_shown_as_wav_and_pcm_as_aifc_with_the_data_behind() {
        let data = [1u8, 2, 3, 4, 5, 6];
        let wav = shown(au(1, 6, &data)).unwrap();
        assert_eq!(wav[..4], *b"RIFF");
        assert_eq!(wav[20..22], 7u16.to_le_bytes()); // µ-law
        assert_eq!(wav[wav.len() - 6..], data);
        let aiff = shown(au(3, 4, &data)).unwrap(); // a size shorter than what follows
        assert_eq!(aiff[8..12], *b"AIFC");
        assert_eq!(aiff[aiff.len() - 4..], data[..4]);
        // Unknown size: to the end.
        let all = shown(au(1, UNKNOWN, &data)).unwrap();
        assert_eq!(all[all.len() - 6..], data);
    }

    #[test]
    fn big_endian_samples_of_unknown_length_from_a_pipe_are_refused_with_the_way_out() {
        let stream = au(3, UNKNOWN, &[0; 8]);
        let piped = symphonia::core::io::ReadOnlySource::new(Cursor::new(stream));
        let err = HeaderView::new(piped, read).err().unwrap();
        assert_eq!(
            (err.kind(), err.to_string()),
            (
                io::ErrorKind::Unsupported,
                "au: big-endian samples of unknown length cannot be read from a pipe; give the \
                 file's path, or pipe WAV (ffmpeg -f wav)"
                    .into()
            )
        );
    }

    #[test]
    fn encodings_not_read_are_named() {
        let err = shown(au(23, 6, &[0; 6])).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(err
            .to_string()
            .starts_with("au: G.72x ADPCM (encoding 23) is not decoded"));
        let err = shown(au(99, 6, &[0; 6])).unwrap_err();
        assert_eq!(err.to_string(), "au: unknown encoding 99");
    }

    #[test]
    fn every_cut_of_the_header_is_an_error() {
        let stream = au(3, 4, &[0; 4]);
        for cut in 4..32 {
            let err = HeaderView::new(Cursor::new(&stream[..cut]), read).err();
            assert_eq!(
                err.map(|e| e.kind()),
                Some(io::ErrorKind::UnexpectedEof),
                "{cut}"
            );
        }
    }
}
