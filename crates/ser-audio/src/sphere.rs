//! NIST SPHERE (`.sph`, `.wv1`): an ASCII header (`NIST_1A`, its size, then `name -type
//! value` lines up to `end_head`) followed by the samples; the format of LDC's speech corpora
//! (TIMIT, Switchboard, Fisher, CALLHOME, LDC's Emotional Prosody). symphonia does not read it.
//!
//! [`open`] shows uncompressed data to symphonia's WAV reader as what they are: PCM (big-endian
//! samples swapped into WAV's order, [`crate::swapped`]) and G.711 µ-law and A-law, of a length
//! known or not; Shorten-compressed data (many LDC releases: `pcm,embedded-shorten-v2.00`,
//! `ulaw,embedded-shorten-v2.00`) is decoded by [`crate::shorten`]. WavPack-compressed SPHERE
//! is refused by name, with the command that converts it.

use std::io::{self, Read};

use symphonia::core::io::{MediaSource, ReadOnlySource};

use crate::header_view::{
    as_header_error, held_len, invalid, unsupported, view, Replacement, Shown, ShownCodec, Stored,
};
use crate::made_headers::WavCoding;
use crate::shorten::{self, SHORTEN};
use crate::swapped::BigEndian;

/// The first line of a SPHERE header.
const MAGIC: &[u8] = b"NIST_1A\n";
/// Largest header read (LDC's are 1024 bytes).
const MAX_HEADER: usize = 1 << 16;

/// Whether a stream starting with `head` is NIST SPHERE.
pub(crate) fn opens_sphere(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// The fields of a SPHERE header that say how its samples are stored.
#[derive(Debug, PartialEq)]
struct Fields {
    rate: u32,
    channels: u16,
    bytes_per_sample: u16,
    /// `sample_coding`: `pcm` when absent.
    coding: String,
    /// `sample_byte_format` puts the most significant byte first (`10`, `3210`).
    big_endian: bool,
    /// `sample_count`: samples per channel, when given.
    samples: Option<u64>,
}

impl Fields {
    /// The fields of the header's `name -type value` lines up to `end_head`.
    fn parse(text: &str) -> io::Result<Self> {
        let mut rate = None;
        let mut channels = 1u16;
        let mut bytes_per_sample = None;
        let mut coding = "pcm".to_string();
        let mut big_endian = false;
        let mut samples = None;
        for line in text.lines().skip(2) {
            let mut parts = line.split_whitespace();
            let (Some(name), Some(_kind)) = (parts.next(), parts.next()) else {
                if line.trim() == "end_head" {
                    break;
                }
                continue;
            };
            let value = parts.next().unwrap_or("");
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| invalid(format!("sphere: {name} is {value:?}, not a number")))
            };
            match name {
                "sample_rate" => {
                    // Some writers give the rate as a real (`-r 16000.000000`).
                    let hz = value.parse::<f64>().ok().filter(|r| (1.0..1e7).contains(r));
                    rate = Some(
                        hz.ok_or_else(|| invalid(format!("sphere: sample_rate {value}")))? as u32,
                    );
                }
                "channel_count" => {
                    channels = u16::try_from(number()?)
                        .map_err(|_| invalid(format!("sphere: {value} channels")))?;
                }
                "sample_n_bytes" => bytes_per_sample = Some(number()?),
                "sample_coding" => coding = value.to_ascii_lowercase(),
                // The bytes' order of significance: "01" or "0123" little-endian, "10" or
                // "3210" big-endian.
                "sample_byte_format" => big_endian = value.bytes().next() > value.bytes().last(),
                "sample_count" => samples = Some(number()?),
                _ => {}
            }
        }
        let rate = rate.ok_or_else(|| invalid("sphere: no sample_rate".into()))?;
        let bytes_per_sample = match bytes_per_sample {
            Some(n @ 1..=4) => n as u16,
            Some(n) => return Err(invalid(format!("sphere: {n} bytes per sample"))),
            // G.711 needs no field to say so.
            None if coding != "pcm" => 1,
            None => return Err(invalid("sphere: no sample_n_bytes".into())),
        };
        Ok(Self {
            rate,
            channels,
            bytes_per_sample,
            coding,
            big_endian,
            samples,
        })
    }

    /// How the samples are stored, where they are read as stored.
    fn stored(&self) -> io::Result<Stored> {
        let bits = 8 * self.bytes_per_sample;
        let wav = |coding| Ok(Stored::AsWav(coding, bits));
        let big_endian = BigEndian::new(false, bits);
        match (self.coding.as_str(), self.bytes_per_sample, big_endian) {
            (coding, ..) if coding.contains("wavpack") || coding.contains("shortpack") => {
                Err(unsupported(format!(
                    "sphere: compressed samples ({coding}) are not decoded; convert them to PCM \
                     WAV (sph2pipe -f wav IN OUT.wav)"
                )))
            }
            ("ulaw" | "mu-law", 1, _) => wav(WavCoding::MuLaw),
            ("alaw", 1, _) => wav(WavCoding::ALaw),
            // WAV's 8-bit PCM is unsigned, SPHERE's signed.
            ("pcm", 2.., _) if !self.big_endian => wav(WavCoding::Pcm),
            ("pcm", _, Some(samples)) => Ok(Stored::BigEndian(samples)),
            (coding, n, _) => Err(unsupported(format!(
                "sphere: {coding} samples of {n} bytes are not decoded; convert them to PCM WAV \
                 (sph2pipe -f wav IN OUT.wav)"
            ))),
        }
    }
}

/// How a SPHERE stream's samples are read.
enum Samples {
    /// As they are stored, behind a header of ours.
    Shown(Shown),
    /// Decoded from Shorten, at this sample rate (the stream says the rest).
    Shorten { rate: u32 },
}

/// The source to read a SPHERE stream (which [`opens_sphere`] recognised, at its start)
/// through: its samples behind a header of ours, or decoded from Shorten. Errors are header
/// errors ([`crate::header_view`]).
pub(crate) fn open<'s, S: Read + MediaSource + 's>(mut source: S) -> io::Result<Replacement<'s>> {
    Ok(match read(&mut source).map_err(as_header_error)? {
        Samples::Shown(shown) => view(source, shown),
        Samples::Shorten { rate } => {
            let decoded = shorten::decoded(source, Some(rate))?;
            let codec = ShownCodec::Decoded(SHORTEN);
            (Box::new(ReadOnlySource::new(decoded)), Some(codec))
        }
    })
}

/// Reads a SPHERE stream's header from its start up to its data, where it leaves the source:
/// how its samples are to be read.
fn read<S: Read + MediaSource>(source: &mut S) -> io::Result<Samples> {
    let mut start = [0u8; 16];
    source.read_exact(&mut start)?;
    let size = std::str::from_utf8(&start[8..])
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|n| (16..=MAX_HEADER).contains(n))
        .ok_or_else(|| invalid("sphere: no header size on its second line".into()))?;
    let mut text = start.to_vec();
    text.resize(size, 0);
    source.read_exact(&mut text[16..])?;
    let fields = Fields::parse(&String::from_utf8_lossy(&text))?;
    if fields.coding.contains("embedded-shorten") {
        return Ok(Samples::Shorten { rate: fields.rate });
    }
    let data_start = size as u64;
    let declared = fields
        .samples
        .map(|n| n.saturating_mul(u64::from(fields.channels) * u64::from(fields.bytes_per_sample)));
    let data_len = held_len(source, data_start, declared);
    let shown = fields
        .stored()?
        .shown(fields.channels, fields.rate, data_start, data_len);
    Ok(Samples::Shown(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SPHERE stream of `data` with these header lines, a 1024-byte header.
    fn sphere(lines: &str, data: &[u8]) -> Vec<u8> {
        let mut s = format!("NIST_1A\n   1024\n{lines}end_head\n").into_bytes();
        s.resize(1024, b' ');
        s.extend_from_slice(data);
        s
    }

    /// What the stream is read as, whole.
    fn shown(stream: Vec<u8>) -> io::Result<Vec<u8>> {
        assert!(opens_sphere(&stream));
        let mut out = Vec::new();
        open(io::Cursor::new(stream))?.0.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn fields_as_ldc_writes_them() {
        let text = "NIST_1A\n   1024\ndatabase_id -s5 SWB-1\nsample_rate -i 8000\n\
                    channel_count -i 2\nsample_n_bytes -i 1\nsample_coding -s4 ulaw\n\
                    sample_count -i 2400000\nend_head\nsample_rate -i 5\n";
        let fields = Fields::parse(text).unwrap();
        assert_eq!(
            fields,
            Fields {
                rate: 8000,
                channels: 2,
                bytes_per_sample: 1,
                coding: "ulaw".into(),
                big_endian: false,
                samples: Some(2_400_000),
            }
        );
        let real_rate = "NIST_1A\n   1024\nsample_rate -r 16000.000000\nsample_n_bytes -i 2\n";
        assert_eq!(Fields::parse(real_rate).unwrap().rate, 16_000);
    }

    #[test]
    fn pcm_and_mu_law_are_shown_as_wav_with_the_data_behind_in_its_byte_order() {
        let data = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let le = "sample_rate -i 16000\nsample_n_bytes -i 2\nsample_byte_format -s2 01\n\
                  sample_count -i 3\n";
        let wav = shown(sphere(le, &data)).unwrap();
        assert_eq!(
            (&wav[..4], &wav[20..22]),
            (&b"RIFF"[..], &1u16.to_le_bytes()[..])
        );
        assert_eq!(wav[wav.len() - 6..], data[..6]); // three samples, as sample_count says
        let be = le.replace("-s2 01", "-s2 10");
        let swapped = shown(sphere(&be, &data)).unwrap();
        assert_eq!(swapped[20..22], 1u16.to_le_bytes());
        assert_eq!(swapped[swapped.len() - 6..], [2, 1, 4, 3, 6, 5]);
        let ulaw = shown(sphere(
            "sample_rate -i 8000\nsample_coding -s4 ulaw\n",
            &data,
        ))
        .unwrap();
        assert_eq!(ulaw[20..22], 7u16.to_le_bytes());
        assert_eq!(ulaw[ulaw.len() - 8..], data); // no count: to the end
    }

    #[test]
    fn big_endian_samples_of_unknown_length_are_read_from_a_pipe() {
        let stream = sphere(
            "sample_rate -i 8000\nsample_n_bytes -i 3\nsample_byte_format -s3 210\n",
            &[1, 2, 3, 4, 5, 6, 7],
        );
        let piped = ReadOnlySource::new(io::Cursor::new(stream));
        let (mut view, codec) = open(piped).unwrap();
        assert_eq!(codec, Some(ShownCodec::Swapped("pcm_s24be")));
        let mut wav = Vec::new();
        view.read_to_end(&mut wav).unwrap();
        assert_eq!(wav[wav.len() - 6..], [3, 2, 1, 6, 5, 4]); // a cut sample dropped
    }

    #[test]
    fn wavpack_is_refused_by_name_and_damage_is_an_error() {
        let wavpack = "sample_rate -i 8000\nsample_n_bytes -i 2\n\
                       sample_coding -s26 pcm,embedded-wavpack-v1.00\n";
        let err = shown(sphere(wavpack, &[0; 8])).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert!(err.to_string().contains("sph2pipe -f wav"), "{err}");
        // Shorten is decoded: data that are not a Shorten stream say so.
        let shorten = wavpack.replace("wavpack", "shorten");
        let err = shown(sphere(&shorten, &[0; 8])).unwrap_err();
        assert_eq!(err.to_string(), "shorten: no magic");
        let err = shown(sphere("sample_n_bytes -i 2\n", &[0; 8])).unwrap_err();
        assert_eq!(err.to_string(), "sphere: no sample_rate");
        let mut no_size = sphere("sample_rate -i 8000\n", &[0; 8]);
        no_size[8..16].copy_from_slice(b"   x24\n\n");
        assert_eq!(
            shown(no_size).unwrap_err().to_string(),
            "sphere: no header size on its second line"
        );
        let cut = sphere("sample_rate -i 8000\nsample_n_bytes -i 2\n", &[])[..500].to_vec();
        assert_eq!(shown(cut).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        // Any byte of a header's text changed: an error or a stream, never a panic.
        let stream = sphere(
            "sample_rate -i 8000\nchannel_count -i 2\nsample_n_bytes -i 2\n\
             sample_byte_format -s2 10\nsample_count -i 2\n",
            &[0; 8],
        );
        let text_end = stream.windows(8).position(|w| w == b"end_head").unwrap() + 8;
        for at in 8..text_end {
            for value in [b'0', b'9', b' ', b'\n', b'-', 0xff] {
                let mut damaged = stream.clone();
                damaged[at] = value;
                let _ = shown(damaged);
            }
        }
    }
}
