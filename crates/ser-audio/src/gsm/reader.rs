//! The one format reader of GSM 6.10 files, raw or in WAV: their frames lie one after another
//! from a start to an end, in units of a fixed size (a 65-byte WAV49 block of two frames, or one
//! 33-byte standard frame), and it hands them on in packets of whole units. `wav` and `raw`
//! find where they lie.

use std::io::Read;

use symphonia::core::audio::{Channels, Position};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::errors::{seek_error, Result, SeekErrorKind};
use symphonia::core::formats::prelude::*;
use symphonia::core::io::{MediaSourceStream, ReadBytes};
use symphonia::core::meta::{Metadata, MetadataLog};

use super::frame::Packing;

/// Seconds of audio in one packet: all that a damaged frame costs.
const PACKET_S: f64 = 0.2;

/// Where a file's frames lie and how they are packed.
pub(crate) struct Layout {
    pub format: &'static FormatInfo,
    pub packing: Packing,
    pub sample_rate: u32,
    /// Where the frames end, when the file says.
    pub data_end: Option<u64>,
    /// Samples the file declares: the last unit's padding beyond them is trimmed.
    pub frames: Option<u64>,
}

/// Reads the frames of a GSM 6.10 file.
pub(crate) struct GsmReader<'s> {
    reader: MediaSourceStream<'s>,
    layout: Layout,
    media_info: MediaInfo,
    tracks: Vec<Track>,
    metadata: MetadataLog,
    /// Where the frames start.
    data_start: u64,
    units_per_packet: u64,
}

impl<'s> GsmReader<'s> {
    /// Reads the frames of `layout` from `mss`'s current position on.
    pub(crate) fn new(mss: MediaSourceStream<'s>, layout: Layout) -> Self {
        let (unit_bytes, unit_samples) =
            (layout.packing.unit_bytes(), layout.packing.unit_samples());
        let units_per_packet =
            ((PACKET_S * f64::from(layout.sample_rate)) as usize / unit_samples).max(1);
        let data_start = mss.pos();
        let mut params = AudioCodecParameters::new();
        params
            .for_codec(layout.packing.codec())
            .with_sample_rate(layout.sample_rate)
            .with_channels(Channels::Positioned(Position::FRONT_CENTER))
            .with_max_frames_per_packet((units_per_packet * unit_samples) as u64)
            .with_frames_per_block(unit_samples as u64);
        let mut track = Track::new(0);
        track.with_codec_params(CodecParameters::Audio(params));
        if let Some(time_base) = TimeBase::try_new(1, layout.sample_rate) {
            track.with_time_base(time_base);
        }
        let whole_units = layout
            .data_end
            .map(|end| end.saturating_sub(data_start) / unit_bytes as u64);
        let declared = whole_units.map(|n| n * unit_samples as u64);
        if let Some(n) = layout.frames.or(declared) {
            track.with_num_frames(n);
        }
        Self {
            reader: mss,
            layout,
            media_info: MediaInfo::from_track(&track),
            tracks: vec![track],
            metadata: MetadataLog::default(),
            data_start,
            units_per_packet: units_per_packet as u64,
        }
    }
}

impl FormatReader for GsmReader<'_> {
    fn format_info(&self) -> &FormatInfo {
        self.layout.format
    }

    fn media_info(&self) -> &MediaInfo {
        &self.media_info
    }

    fn metadata(&mut self) -> Metadata<'_> {
        self.metadata.metadata()
    }

    /// Not supported: `ser` reads every recording from its start to its end.
    fn seek(&mut self, _mode: SeekMode, _to: SeekTo) -> Result<SeekedTo> {
        seek_error(SeekErrorKind::Unseekable)
    }

    fn tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// The next units, as far as the data and the file go: a unit cut short at the end of a
    /// file is dropped, and samples beyond those the file declares are trimmed.
    fn next_packet(&mut self) -> Result<Option<Packet>> {
        let packing = self.layout.packing;
        let (unit_bytes, unit_samples) = (packing.unit_bytes(), packing.unit_samples());
        let pos = self.reader.pos();
        let left = self
            .layout
            .data_end
            .map_or(u64::MAX, |end| end.saturating_sub(pos));
        let want = (left / unit_bytes as u64).min(self.units_per_packet) * unit_bytes as u64;
        let mut data = Vec::with_capacity(want as usize);
        (&mut self.reader).take(want).read_to_end(&mut data)?;
        data.truncate(data.len() - data.len() % unit_bytes);
        if data.is_empty() {
            return Ok(None);
        }
        let first = (pos - self.data_start) / unit_bytes as u64 * unit_samples as u64;
        let decoded = (data.len() / unit_bytes * unit_samples) as u64;
        let valid = self
            .layout
            .frames
            .map_or(decoded, |n| n.saturating_sub(first).min(decoded));
        let mut packet = Packet::new(0, Timestamp::new(first as i64), Duration::new(valid), data);
        packet.trim_end = Duration::new(decoded - valid);
        Ok(Some(packet))
    }

    fn into_inner<'a>(self: Box<Self>) -> MediaSourceStream<'a>
    where
        Self: 'a,
    {
        self.reader
    }
}
