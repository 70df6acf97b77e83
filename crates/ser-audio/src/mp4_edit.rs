//! Which decoded frames of an MP4/M4A audio track are the recording, from its edit list.
//!
//! An AAC encoder puts priming frames before the audio (1024 by ffmpeg, 2112 by Apple's
//! encoders) and pads its last block to a whole one; the container's edit list
//! (`moov/trak/edts/elst`) says which stretch of the decoded track is the recording, and ffmpeg
//! (so librosa, which reads M4A through it) plays only that stretch. symphonia's MP4 reader
//! parses the list but does not apply it, so [`crate::Decoder`] does, with what [`read_edits`]
//! finds: without it an `.m4a` decodes 21-48 ms late and up to a block too long.
//!
//! Only the usual form is applied: empty edits at the start aside, one edit at normal speed.
//! Anything else (several edits, another speed) leaves the track as decoded.

use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

/// Most bytes of an MP4 read from a pipe kept in memory to find its edit list before its
/// samples (`ftyp`, `moov`): a faststart file's index of an hour of AAC is about 2 MB.
const MAX_PIPED_HEAD: u64 = 16 << 20;

/// Most edit list entries read: the usual list has one or two.
const MAX_ENTRIES: u32 = 16;

/// The recording's stretch of one track, in ticks of the track's media time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edit {
    /// The track's id (its `tkhd` id, which symphonia's MP4 reader gives its track).
    pub track_id: u32,
    /// Media time of the recording's first frame (the encoder's priming before it).
    start: u64,
    /// Length of the recording, or `None` for everything after `start` (a fragmented file).
    length: Option<u64>,
    /// Ticks per second of `start` and `length` (the track's `mdhd` timescale).
    timescale: u32,
}

impl Edit {
    /// The frames, at the decoded `sample_rate`, to pass on.
    pub(crate) fn span(&self, sample_rate: u32) -> Span {
        let frames = |ticks: u64| {
            let f = ticks as u128 * sample_rate as u128 / self.timescale as u128;
            u64::try_from(f).unwrap_or(u64::MAX)
        };
        Span {
            skip: frames(self.start),
            keep: self.length.map(frames),
        }
    }
}

/// Frames still to drop at the start of a decoded track, and then to pass on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// Frames still to drop.
    skip: u64,
    /// Frames still to pass on after those; `None`: all.
    keep: Option<u64>,
}

impl Span {
    /// Every frame.
    pub(crate) const ALL: Span = Span {
        skip: 0,
        keep: None,
    };

    /// How many frames are passed on in all, if limited.
    pub(crate) fn length(&self) -> Option<u64> {
        self.keep
    }

    /// Of the next `frames` decoded frames, the ones to pass on.
    pub(crate) fn take(&mut self, frames: usize) -> Range<usize> {
        let skipped = self.skip.min(frames as u64) as usize;
        self.skip -= skipped as u64;
        let mut end = frames;
        if let Some(keep) = &mut self.keep {
            let kept = (*keep).min((frames - skipped) as u64);
            *keep -= kept;
            end = skipped + kept as usize;
        }
        skipped..end
    }

    /// Whether no frame is left to pass on.
    pub(crate) fn is_done(&self) -> bool {
        self.keep == Some(0)
    }
}

/// The edits of every audio track of an MP4 file read from its start; none for a file that
/// is not MP4 (its first box is not `ftyp`) or whose boxes cannot be read, which symphonia's
/// probe then judges. Leaves `source` anywhere: seek it back before reading it again.
pub(crate) fn read_edits(source: &mut (impl Read + Seek)) -> Vec<Edit> {
    movie(source).unwrap_or_default()
}

/// Whether `start`, the first bytes of a stream, opens an MP4 file.
pub(crate) fn opens_mp4(start: &[u8]) -> bool {
    start.get(4..8) == Some(b"ftyp")
}

/// Reads an MP4 stream's boxes up to and with its `moov` (its index, where the edit lists
/// are), stopping at its samples (`mdat`) or after [`MAX_PIPED_HEAD`] bytes: everything read,
/// which must be read again before the rest of the stream, for a stream that cannot seek back.
pub(crate) fn read_head(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let at = head.len();
        if reader.by_ref().take(8).read_to_end(&mut head)? < 8 {
            return Ok(head);
        }
        let kind = <[u8; 4]>::try_from(&head[at + 4..at + 8]).expect("four bytes");
        let mut size = u64::from(u32::from_be_bytes(head[at..at + 4].try_into().expect("4")));
        if size == 1 {
            if reader.by_ref().take(8).read_to_end(&mut head)? < 8 {
                return Ok(head);
            }
            size = u64::from_be_bytes(head[at + 8..at + 16].try_into().expect("eight bytes"));
        }
        let body = size.saturating_sub((head.len() - at) as u64);
        if &kind == b"mdat" || size == 0 || head.len() as u64 + body > MAX_PIPED_HEAD {
            return Ok(head);
        }
        reader.by_ref().take(body).read_to_end(&mut head)?;
        if &kind == b"moov" {
            return Ok(head);
        }
    }
}

/// A box's type and where its body ends.
struct BoxHeader {
    kind: [u8; 4],
    end: u64,
}

/// The next box header within a parent ending at `parent_end`, or `None` at its end (or the
/// file's).
fn next_box(r: &mut (impl Read + Seek), parent_end: u64) -> io::Result<Option<BoxHeader>> {
    let at = r.stream_position()?;
    if parent_end.saturating_sub(at) < 8 {
        return Ok(None);
    }
    let mut header = [0u8; 8];
    match r.read_exact(&mut header) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let kind = <[u8; 4]>::try_from(&header[4..]).expect("four bytes");
    let end = match u32::from_be_bytes(header[..4].try_into().expect("four bytes")) {
        0 => parent_end,
        1 => at.saturating_add(read_u64(r)?),
        size => at + u64::from(size),
    };
    if end < r.stream_position()? || end > parent_end {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "box size"));
    }
    Ok(Some(BoxHeader { kind, end }))
}

/// Calls `each` on every box within a parent ending at `parent_end`, and moves past it.
fn each_box<R: Read + Seek>(
    r: &mut R,
    parent_end: u64,
    mut each: impl FnMut(&mut R, &BoxHeader) -> io::Result<()>,
) -> io::Result<()> {
    while let Some(b) = next_box(r, parent_end)? {
        each(r, &b)?;
        r.seek(SeekFrom::Start(b.end))?;
    }
    Ok(())
}

/// The edits of the audio tracks, from the top-level boxes.
fn movie(r: &mut (impl Read + Seek)) -> io::Result<Vec<Edit>> {
    let file_end = r.seek(SeekFrom::End(0))?;
    r.seek(SeekFrom::Start(0))?;
    let mut first = true;
    let mut edits = Vec::new();
    while let Some(b) = next_box(r, file_end)? {
        if std::mem::take(&mut first) && &b.kind != b"ftyp" {
            break;
        }
        if &b.kind == b"moov" {
            edits = moov(r, b.end)?;
            break;
        }
        r.seek(SeekFrom::Start(b.end))?;
    }
    Ok(edits)
}

/// What a `trak` box says of its track.
#[derive(Default)]
struct Track {
    id: u32,
    sound: bool,
    timescale: u32,
    /// `(segment duration in movie ticks, media time, speed)` of each edit, or `None` for a
    /// list too long to be the usual form.
    entries: Option<Vec<(u64, i64, i32)>>,
}

fn moov(r: &mut (impl Read + Seek), end: u64) -> io::Result<Vec<Edit>> {
    let mut movie_timescale = 0;
    let mut tracks = Vec::new();
    each_box(r, end, |r, b| {
        match &b.kind {
            b"mvhd" => movie_timescale = after_times(r)?,
            b"trak" => tracks.push(trak(r, b.end)?),
            _ => {}
        }
        Ok(())
    })?;
    Ok(tracks
        .iter()
        .filter(|t| t.sound)
        .filter_map(|t| edit(t, movie_timescale))
        .collect())
}

/// The recording's stretch of a track, if its edit list has the usual form.
fn edit(track: &Track, movie_timescale: u32) -> Option<Edit> {
    let entries = track.entries.as_ref()?;
    let mut used = entries.iter().skip_while(|e| e.1 == -1);
    let &(duration, start, speed) = used.next()?;
    if used.next().is_some() || speed != 1 << 16 || start < 0 || track.timescale == 0 {
        return None;
    }
    let length = match (duration, movie_timescale) {
        (0, _) => None,
        (_, 0) => return None,
        (d, m) => {
            let ticks = (d as u128 * track.timescale as u128 + m as u128 / 2) / m as u128;
            Some(u64::try_from(ticks).ok()?)
        }
    };
    Some(Edit {
        track_id: track.id,
        start: start as u64,
        length,
        timescale: track.timescale,
    })
}

fn trak(r: &mut (impl Read + Seek), end: u64) -> io::Result<Track> {
    let mut track = Track::default();
    each_box(r, end, |r, b| {
        match &b.kind {
            b"tkhd" => track.id = after_times(r)?,
            b"edts" => each_box(r, b.end, |r, b| {
                if &b.kind == b"elst" {
                    track.entries = elst(r)?;
                }
                Ok(())
            })?,
            b"mdia" => each_box(r, b.end, |r, b| {
                match &b.kind {
                    b"mdhd" => track.timescale = after_times(r)?,
                    b"hdlr" => {
                        let mut fields = [0u8; 12];
                        r.read_exact(&mut fields)?;
                        track.sound = &fields[8..] == b"soun";
                    }
                    _ => {}
                }
                Ok(())
            })?,
            _ => {}
        }
        Ok(())
    })?;
    Ok(track)
}

/// The 32-bit field after a full box's creation and modification times: `mvhd`'s and
/// `mdhd`'s timescale, `tkhd`'s track id.
fn after_times(r: &mut impl Read) -> io::Result<u32> {
    let version = read_u32(r)? >> 24;
    let times = if version == 1 { 16 } else { 8 };
    io::copy(&mut r.by_ref().take(times), &mut io::sink())?;
    read_u32(r)
}

fn elst(r: &mut impl Read) -> io::Result<Option<Vec<(u64, i64, i32)>>> {
    let version = read_u32(r)? >> 24;
    let count = read_u32(r)?;
    if count > MAX_ENTRIES {
        return Ok(None);
    }
    (0..count)
        .map(|_| {
            let (duration, start) = if version == 1 {
                (read_u64(r)?, read_u64(r)? as i64)
            } else {
                (u64::from(read_u32(r)?), i64::from(read_u32(r)? as i32))
            };
            Ok((duration, start, read_u32(r)? as i32))
        })
        .collect::<io::Result<_>>()
        .map(Some)
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_be_bytes(b))
}

fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_be_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// ffmpeg's AAC encoding of a 0.25 s tone at 44.1 kHz, its index after the samples.
    const M4A: &[u8] = include_bytes!("../../../tests/fixtures/formats/aac.m4a");
    /// The same mono, its index before the samples.
    const FASTSTART: &[u8] = include_bytes!("../../../tests/fixtures/formats/aac_faststart.m4a");

    fn track(entries: &[(u64, i64, i32)]) -> Track {
        Track {
            id: 1,
            sound: true,
            timescale: 44_100,
            entries: Some(entries.to_vec()),
        }
    }

    #[test]
    fn ffmpegs_edit_list_skips_the_priming_and_ends_at_the_recording() {
        for file in [M4A, FASTSTART] {
            let edits = read_edits(&mut Cursor::new(file));
            assert_eq!(edits.len(), 1);
            let mut span = edits[0].span(44_100);
            assert_eq!(
                span,
                Span {
                    skip: 1024,
                    keep: Some(11_025)
                }
            );
            // Twelve AAC frames of 1024: the recording is frames 1024..12049 of them.
            let kept: Vec<_> = (0..12).map(|_| span.take(1024)).collect();
            assert!(kept[0].is_empty());
            assert_eq!(kept[1], 0..1024);
            assert_eq!(kept[11], 0..785);
            assert_eq!(kept.iter().map(|r| r.len()).sum::<usize>(), 11_025);
            assert!(span.is_done());
        }
    }

    #[test]
    fn only_the_usual_edit_list_is_applied() {
        // One edit, after an empty one (a start delayed in the movie), is the usual form.
        let delayed = edit(&track(&[(500, -1, 1 << 16), (250, 2112, 1 << 16)]), 1000).unwrap();
        assert_eq!(
            delayed.span(44_100),
            Span {
                skip: 2112,
                keep: Some(11_025)
            }
        );
        // A fragmented file's edit lasts to the end.
        let open = edit(&track(&[(0, 1024, 1 << 16)]), 1000).unwrap();
        assert_eq!(
            open.span(44_100),
            Span {
                skip: 1024,
                keep: None
            }
        );
        // The media at 22.05 kHz ticks, decoded at 44.1 kHz (e.g. a doubled rate).
        let coarse = Track {
            timescale: 22_050,
            ..track(&[(250, 512, 1 << 16)])
        };
        assert_eq!(
            edit(&coarse, 1000).unwrap().span(44_100),
            Span {
                skip: 1024,
                keep: Some(11_026)
            }
        );
        // Two stretches, another speed, no list, or no movie timescale: left as decoded.
        assert_eq!(
            edit(&track(&[(100, 0, 1 << 16), (100, 9000, 1 << 16)]), 1000),
            None
        );
        assert_eq!(edit(&track(&[(250, 1024, 2 << 16)]), 1000), None);
        assert_eq!(
            edit(
                &Track {
                    entries: None,
                    ..track(&[])
                },
                1000
            ),
            None
        );
        assert_eq!(edit(&track(&[(250, 1024, 1 << 16)]), 0), None);
    }

    #[test]
    fn other_files_and_damaged_ones_have_no_edits() {
        assert!(read_edits(&mut Cursor::new(b"RIFF\x24\0\0\0WAVEfmt ")).is_empty());
        assert!(read_edits(&mut Cursor::new([])).is_empty());
        // Every cut of the file, and every byte of its index overwritten: an edit read whole
        // or none, never a panic.
        let whole = read_edits(&mut Cursor::new(FASTSTART));
        for cut in 0..FASTSTART.len() {
            let edits = read_edits(&mut Cursor::new(&FASTSTART[..cut]));
            assert!(edits.is_empty() || edits == whole, "cut at {cut}");
        }
        let moov = FASTSTART.windows(4).position(|w| w == b"moov").unwrap() - 4;
        for at in moov..moov + 600 {
            let mut damaged = FASTSTART.to_vec();
            damaged[at] ^= 0xff;
            read_edits(&mut Cursor::new(&damaged));
        }
    }

    #[test]
    fn a_piped_head_ends_with_the_index_or_at_the_samples() {
        let head = read_head(&mut Cursor::new(FASTSTART)).unwrap();
        assert!(head.len() < FASTSTART.len() && FASTSTART.starts_with(&head));
        assert_eq!(
            read_edits(&mut Cursor::new(&head)),
            read_edits(&mut Cursor::new(FASTSTART))
        );
        // Index last: the head stops at the samples' header, with no edits in it.
        let head = read_head(&mut Cursor::new(M4A)).unwrap();
        assert_eq!(&head[head.len() - 4..], b"mdat");
        assert!(read_edits(&mut Cursor::new(&head)).is_empty());
    }
}
