//! The plain headers a [`crate::header_view::HeaderView`] shows symphonia: RIFF WAV for
//! little-endian PCM, G.711 and any WAV format chunk, AIFC for big-endian PCM and floats.

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

/// An AIFC header for `data_len` bytes (at most what a form's 32-bit size holds, 4 GiB) of
/// `compression` (`NONE`: big-endian integer PCM; `fl32`, `fl64`: big-endian floats) at
/// `sample_bits` per sample.
pub(crate) fn aifc(
    compression: &[u8; 4],
    channels: u16,
    rate: u32,
    sample_bits: u16,
    data_len: u64,
) -> Vec<u8> {
    let frame_bytes = (u64::from(channels) * u64::from(sample_bits.div_ceil(8))).max(1);
    // What the form's 32-bit size counts besides the data: its type, the FVER and COMM chunks,
    // and the sound chunk's header with its offset and block-size fields.
    const AROUND_DATA: u64 = 4 + 12 + 32 + 16;
    let data_len = data_len.min((u64::from(u32::MAX) - AROUND_DATA) / frame_bytes * frame_bytes);
    let frames = u32::try_from(data_len / frame_bytes).expect("under 4 GiB");
    let mut comm = Vec::with_capacity(24);
    comm.extend_from_slice(&channels.to_be_bytes());
    comm.extend_from_slice(&frames.to_be_bytes());
    comm.extend_from_slice(&sample_bits.to_be_bytes());
    comm.extend_from_slice(&extended(rate));
    comm.extend_from_slice(compression);
    comm.extend_from_slice(&[0, 0]); // an empty compression name, padded to even length
    let mut chunks = Vec::with_capacity(64);
    chunks.extend_from_slice(b"FVER\0\0\0\x04\xa2\x80\x51\x40"); // AIFC version 1
    chunks.extend_from_slice(b"COMM");
    chunks.extend_from_slice(&(comm.len() as u32).to_be_bytes());
    chunks.extend_from_slice(&comm);
    chunks.extend_from_slice(b"SSND");
    chunks.extend_from_slice(&(data_len as u32 + 8).to_be_bytes());
    chunks.extend_from_slice(&[0; 8]); // no offset, no block size
    debug_assert_eq!(4 + chunks.len() as u64, AROUND_DATA);
    let form_len = (AROUND_DATA + data_len) as u32;
    let mut header = b"FORM".to_vec();
    header.extend_from_slice(&form_len.to_be_bytes());
    header.extend_from_slice(b"AIFC");
    header.extend(chunks);
    header
}

/// `rate` as the 80-bit IEEE extended float AIFF's common chunk holds.
fn extended(rate: u32) -> [u8; 10] {
    let mut bytes = [0u8; 10];
    if rate > 0 {
        let exponent = 31 - rate.leading_zeros();
        let biased = 16383 + exponent as u16;
        bytes[..2].copy_from_slice(&biased.to_be_bytes());
        bytes[2..].copy_from_slice(&((u64::from(rate)) << (63 - exponent)).to_be_bytes());
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_rates_as_80_bit_floats() {
        // 44100 Hz as AIFF files store it.
        assert_eq!(extended(44_100), [0x40, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0]);
        assert_eq!(extended(8_000), [0x40, 0x0b, 0xfa, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(extended(1), [0x3f, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn an_aifc_of_more_than_4_gib_claims_all_a_form_holds() {
        let header = aifc(b"NONE", 2, 48_000, 16, u64::MAX);
        let be = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().unwrap());
        assert_eq!(header.len(), 72);
        let (form, ssnd) = (be(4), be(header.len() - 12));
        assert_eq!(form, 4 + 12 + 32 + 8 + ssnd);
        assert!(form > u32::MAX - 4 && (ssnd - 8) % 4 == 0);
        assert_eq!(be(34), (ssnd - 8) / 4); // frames, after FORM, AIFC, FVER and the channels
    }

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
