//! WAV files of GSM 6.10 (format tag 0x0031), which symphonia's WAV reader refuses: probed
//! before it, [`GsmReader`] claims those files and reads their 65-byte blocks from the `data`
//! chunk. It also claims the WAV files of codecs neither reads (MP3, G.729, TrueSpeech…), only
//! to refuse them naming their codec, where symphonia would say "unsupported wave format".
//! Every other WAV file is left to symphonia.

use symphonia::core::common::FourCc;
use symphonia::core::errors::{decode_error, unsupported_error, Result};
use symphonia::core::formats::probe::{
    ProbeDataMatchSpec, ProbeFormatData, ProbeableFormat, Score, Scoreable,
};
use symphonia::core::formats::{FormatId, FormatInfo, FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, ReadBytes, ScopedStream};

use super::frame::Packing;
use super::reader::{GsmReader, Layout};
use crate::registry::refusal;
use crate::riff::{format_tag, read_to_data, WavStart};

/// The WAV format tag of GSM 6.10.
const WAVE_FORMAT_GSM610: u16 = 0x0031;

/// The format tags symphonia's WAV reader decodes: PCM, Microsoft ADPCM, IEEE float, A-law,
/// µ-law, IMA ADPCM and WAVE_FORMAT_EXTENSIBLE.
const SYMPHONIA_TAGS: [u16; 7] = [0x0001, 0x0002, 0x0003, 0x0006, 0x0007, 0x0011, 0xFFFE];

/// Why a WAV file of a codec neither reader decodes is refused, by its format tag (mmreg.h).
fn refusal(tag: u16) -> &'static str {
    match tag {
        0x0022 => refusal!("wav", "DSP Group TrueSpeech (format tag 0x0022)"),
        0x0040 => refusal!("wav", "G.721 ADPCM (format tag 0x0040)"),
        0x0042 | 0xA100 => refusal!("wav", "G.723.1 (format tag 0x0042 or 0xA100)"),
        0x0045 | 0x0064 => refusal!("wav", "G.726 ADPCM (format tag 0x0045 or 0x0064)"),
        0x0050 => refusal!("wav", "MPEG audio inside WAV (format tag 0x0050)"),
        0x0055 => refusal!("wav", "MP3 inside WAV (format tag 0x0055)"),
        0x0083 => refusal!("wav", "G.729 (format tag 0x0083)"),
        0x00FF | 0x1600 | 0x1610 | 0x706D => refusal!("wav", "AAC inside WAV"),
        0x0160..=0x0163 => refusal!("wav", "Windows Media Audio inside WAV"),
        0x2000 => refusal!("wav", "AC-3 (Dolby Digital) inside WAV (format tag 0x2000)"),
        0x2001 => refusal!("wav", "DTS inside WAV (format tag 0x2001)"),
        _ => refusal!(
            "wav",
            "a codec ser does not know (see the fmt chunk's format tag)"
        ),
    }
}

const INFO: FormatInfo = FormatInfo {
    format: FormatId::new(FourCc::new(*b"gsmw")),
    short_name: "wave",
    long_name: "Waveform Audio File Format, GSM 6.10",
};

/// Reads a WAV file of GSM 6.10 up to its `data` chunk, and its frames from there.
fn open(mut mss: MediaSourceStream<'_>) -> Result<GsmReader<'_>> {
    let WavStart {
        fmt,
        frames,
        data_len,
    } = read_to_data(&mut mss)?;
    if fmt.tag != WAVE_FORMAT_GSM610 {
        return unsupported_error(refusal(fmt.tag));
    }
    if fmt.channels != 1 {
        return decode_error("wav: GSM 6.10 with other than one channel");
    }
    if usize::from(fmt.block_align) != Packing::Wav49.unit_bytes() {
        return decode_error("wav: GSM 6.10 blocks of other than 65 bytes (two frames)");
    }
    if fmt.sample_rate == 0 {
        return decode_error("wav: a sample rate of 0 Hz");
    }
    let data_end = data_len.map(|len| mss.pos() + len);
    let layout = Layout {
        format: &INFO,
        packing: Packing::Wav49,
        sample_rate: fmt.sample_rate,
        data_end,
        frames,
    };
    Ok(GsmReader::new(mss, layout))
}

impl Scoreable for GsmReader<'_> {
    /// Claims a WAV file whose `fmt` chunk (before the data, within the first kilobytes) says
    /// GSM 6.10, or a codec neither reader decodes (to name it); any other is left to
    /// symphonia's WAV reader.
    fn score(mut src: ScopedStream<&mut MediaSourceStream<'_>>) -> Result<Score> {
        Ok(match format_tag(&mut src)? {
            Some(tag) if !SYMPHONIA_TAGS.contains(&tag) => Score::Supported(255),
            _ => Score::Unsupported,
        })
    }
}

impl ProbeableFormat<'_> for GsmReader<'_> {
    fn try_probe_new(
        mss: MediaSourceStream<'_>,
        _opts: FormatOptions,
    ) -> Result<Box<dyn FormatReader + '_>> {
        Ok(Box::new(open(mss)?))
    }

    fn probe_data() -> &'static [ProbeFormatData] {
        &[ProbeFormatData {
            spec: ProbeDataMatchSpec {
                extensions: &["wav", "wave"],
                mime_types: &["audio/wav", "audio/x-wav"],
                markers: &[b"RIFF"],
            },
            info: INFO,
        }]
    }
}
