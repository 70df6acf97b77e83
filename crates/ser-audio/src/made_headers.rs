//! The plain header a [`crate::header_view::HeaderView`] shows symphonia: RIFF WAV, for PCM,
//! floats, G.711 and any WAV format chunk (big-endian samples swapped into its order on their
//! way, [`crate::swapped`]).

/// A 32-bit size that means "unknown" (a stream written without going back to its header).
const UNKNOWN_32: u32 = u32::MAX;

/// A RIFF WAV header: `format` is a WAV format chunk's body, then a data chunk of `data_len`
/// bytes, "unknown" (read to the end) where that is not given or does not fit 32 bits.
pub(crate) fn riff(format: &[u8], data_len: Option<u64>) -> Vec<u8> {
    let data_len_32 = data_len
        .and_then(|n| u32::try_from(n).ok())
        .filter(|&n| n != UNKNOWN_32);
    let padded = format.len() + format.len() % 2;
    let riff_len = data_len_32
        .and_then(|n| u32::try_from(4 + 8 + padded + 8).ok()?.checked_add(n))
        .filter(|&n| n != UNKNOWN_32);
    let mut header = Vec::with_capacity(28 + padded);
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&riff_len.unwrap_or(UNKNOWN_32).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt ");
    header.extend_from_slice(&(format.len() as u32).to_le_bytes());
    header.extend_from_slice(format);
    header.resize(header.len() + format.len() % 2, 0);
    header.extend_from_slice(b"data");
    header.extend_from_slice(&data_len_32.unwrap_or(UNKNOWN_32).to_le_bytes());
    header
}

/// WAV format tags of the data [`riff_format`] describes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum WavCoding {
    /// Integer PCM, little-endian (unsigned at 8 bits).
    Pcm = 1,
    /// IEEE floats, little-endian.
    Float = 3,
    /// G.711 A-law, a byte per sample.
    ALaw = 6,
    /// G.711 µ-law, a byte per sample.
    MuLaw = 7,
}

/// A WAV format chunk's body (WAVEFORMATEX with an empty extension) for `coding` at `bits`
/// per sample.
pub(crate) fn riff_format(coding: WavCoding, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
    let block_align = channels.saturating_mul(bits.div_ceil(8));
    let mut format = Vec::with_capacity(18);
    format.extend_from_slice(&(coding as u16).to_le_bytes());
    format.extend_from_slice(&channels.to_le_bytes());
    format.extend_from_slice(&rate.to_le_bytes());
    format.extend_from_slice(&rate.saturating_mul(block_align.into()).to_le_bytes());
    format.extend_from_slice(&block_align.to_le_bytes());
    format.extend_from_slice(&bits.to_le_bytes());
    format.extend_from_slice(&0u16.to_le_bytes());
    format
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn riff_lengths_known_and_unknown() {
        let format = riff_format(WavCoding::MuLaw, 2, 8000, 8);
        assert_eq!(format.len(), 18);
        let header = riff(&format, Some(100));
        assert_eq!(header.len(), 46);
        assert_eq!(header[4..8], (38u32 + 100).to_le_bytes());
        assert_eq!(header[42..46], 100u32.to_le_bytes());
        let unknown = riff(&format, Some(5 << 30));
        assert_eq!(unknown[4..8], UNKNOWN_32.to_le_bytes());
        assert_eq!(unknown[42..46], UNKNOWN_32.to_le_bytes());
    }
}
