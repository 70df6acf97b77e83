//! Dialogic VOX files: OKI ADPCM codes and nothing else. Nothing in their bytes tells them (any
//! byte is two valid codes) and they keep no sample rate, so a stream is read as VOX only where
//! it is named `.vox` and no container's marker opens it ([`crate::registry`]), and at 8 kHz,
//! the rate SoX reads VOX at and Dialogic's 32 kbit/s calls use.

use std::path::Path;

/// The sample rate VOX is read at: its files do not say theirs.
pub(crate) const RATE: u32 = 8_000;

/// Whether a stream named `name` is taken for VOX where no container starts it.
pub(crate) fn named_vox(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("vox"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_ending_in_vox_are_taken_for_it() {
        assert!(named_vox("calls/0412.vox"));
        assert!(named_vox("C:\\calls\\0412.VOX"));
        assert!(!named_vox("calls/0412.wav"));
        assert!(!named_vox("vox"));
        assert!(!named_vox("standard input"));
    }
}
