//! MPEG-1 Layer II (`.mp2`, broadcast audio) at a bitrate its standard does not allow for its
//! channels: above 192 kbit/s for one channel, which ffmpeg writes by default for mono
//! (384 kbit/s), or 32, 48, 56 or 80 kbit/s for two. FFmpeg decodes such frames; symphonia's
//! reader skips every one of them and then says only that the file ended, so they are told
//! before it reads them ([`refusal`]).

use crate::registry::refusal;

/// The refusal of a stream starting with `head` (after an ID3v2 tag, if the head holds it)
/// whose first frame is MPEG-1 Layer II at a bitrate not allowed for its channels.
pub(crate) fn refusal(head: &[u8]) -> Option<&'static str> {
    let frame = head.get(id3_len(head)..)?;
    let header: [u8; 4] = frame.get(..4)?.try_into().ok()?;
    // Sync (11 bits), MPEG-1 (11), Layer II (10).
    if header[0] != 0xff || header[1] & 0xfe != 0xfc {
        return None;
    }
    let bitrate_index = header[2] >> 4;
    let mono = header[3] >> 6 == 0b11;
    match (mono, bitrate_index) {
        // 224, 256, 320 and 384 kbit/s.
        (true, 11..=14) => Some(refusal!(
            "mp2",
            "MPEG-1 Layer II of one channel above 192 kbit/s (ffmpeg's default for mono), which \
             its standard does not allow,"
        )),
        // 32, 48, 56 and 80 kbit/s.
        (false, 1 | 2 | 3 | 5) => Some(refusal!(
            "mp2",
            "MPEG-1 Layer II of two channels at 32, 48, 56 or 80 kbit/s, which its standard does \
             not allow,"
        )),
        _ => None,
    }
}

/// The length of the ID3v2 tag `head` starts with (its size is stored in 7-bit bytes), or 0.
fn id3_len(head: &[u8]) -> usize {
    match head {
        [b'I', b'D', b'3', _, _, flags, size @ ..] if size.len() >= 4 => {
            let body = size[..4]
                .iter()
                .fold(0usize, |n, &b| n << 7 | usize::from(b & 0x7f));
            let footer = if flags & 0x10 != 0 { 10 } else { 0 };
            10 + body + footer
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_ii_bitrates_not_allowed_for_the_channels_are_told() {
        // ffmpeg's first frame of a mono file: MPEG-1 Layer II, 384 kbit/s, 48 kHz, mono.
        let mono_384 = [0xff, 0xfd, 0xe4, 0xc4];
        assert!(refusal(&mono_384)
            .unwrap()
            .contains("one channel above 192 kbit/s"));
        let mut tagged = b"ID3\x04\x00\x00\x00\x00\x00\x05hello".to_vec();
        tagged.extend_from_slice(&mono_384);
        assert!(refusal(&tagged).is_some(), "after an ID3v2 tag");
        // Mono at 192 kbit/s, and two channels (joint stereo) at 384: allowed.
        assert_eq!(refusal(&[0xff, 0xfd, 0xa4, 0xc4]), None);
        assert_eq!(refusal(&[0xff, 0xfd, 0xe4, 0x44]), None);
        // Two channels at 80 kbit/s: not allowed.
        assert!(refusal(&[0xff, 0xfd, 0x54, 0x04])
            .unwrap()
            .contains("two channels"));
        // Layer III at 320 kbit/s, mono, is not Layer II.
        assert_eq!(refusal(&[0xff, 0xfb, 0xe4, 0xc4]), None);
        assert_eq!(refusal(b"RIFF"), None);
    }
}
